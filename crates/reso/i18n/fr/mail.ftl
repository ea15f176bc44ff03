## E-mails aux acheteurs et à l'équipe de la boutique. Variables : $shop (nom de
## la boutique), $order (numéro de commande), $rma (numéro de retour), $amount.

## Communs à tous les e-mails
mail-greeting = Bonjour,
mail-signoff = Bien cordialement,
mail-signature = L'équipe { $shop }
mail-support-heading = Une question ? Le service client de { $shop } est là pour vous aider
mail-support-email = E-mail
mail-support-phone = Téléphone
mail-support-hours = Horaires
mail-support-web = Centre d'aide
mail-footer-buyer = Vous recevez cet e-mail au sujet de votre commande { $order } chez { $shop }.
mail-footer-buyer-shop = Vous recevez cet e-mail au sujet de votre achat chez { $shop }.
mail-action-return-page = Ouvrir la page de votre retour
mail-fact-order = Commande
mail-fact-rma = Numéro de retour (RMA)
mail-fact-items = Articles
mail-fact-amount = Montant
mail-fact-reason = Motif
mail-fact-method = Remboursé sur
mail-fact-timing = Quand vous le verrez
mail-fact-credit-note = Avoir
mail-fact-address = Envoyez le colis à
mail-fact-shipping = Frais de retour
mail-fact-expires = Lien valable jusqu'au
mail-fact-carrier = Transporteur
mail-fact-tracking = Numéro de suivi
mail-fact-failure = Réponse du prestataire de paiement
mail-fact-event = Événement

## return.requested
mail-return-requested-subject = Nous avons bien reçu votre demande de retour pour la commande { $order }
mail-return-requested-intro = Merci : { $shop } a bien reçu votre demande de retour d'articles de la commande { $order }.
mail-return-requested-next = Nous allons l'examiner et vous écrirons dès qu'une décision aura été prise.

## return.photos_requested
mail-return-photos-requested-subject = Photos nécessaires pour votre retour (commande { $order })
mail-return-photos-requested-intro = Pour statuer sur le retour des articles de la commande { $order }, { $shop } a besoin de quelques photos.
mail-return-photos-requested-how = Photographiez les articles, y compris tout dommage ou défaut, puis ajoutez les photos sur la page de votre retour. Nous poursuivrons dès réception.
mail-return-photos-requested-message = Message de { $shop } : « { $message } »

## return.authorized
mail-return-authorized-subject = Retour { $rma } accepté : comment nous renvoyer vos articles
mail-return-authorized-intro = Bonne nouvelle : { $shop } a accepté le retour des articles de votre commande { $order }. Votre numéro de retour (RMA) est { $rma }.
mail-return-authorized-steps = Comment retourner vos articles
mail-return-authorized-step-pack = Emballez soigneusement les articles, si possible dans leur emballage d'origine.
mail-return-authorized-step-mark = Inscrivez lisiblement le numéro de retour { $rma } sur le colis, ou glissez à l'intérieur une note qui l'indique.
mail-return-authorized-step-send = Envoyez le colis à l'adresse ci-dessous et conservez le justificatif d'envoi.
mail-return-authorized-step-track = Une fois le colis expédié, indiquez le transporteur et le numéro de suivi sur la page de votre retour.
mail-return-authorized-window = Merci d'envoyer le colis rapidement : les retours sont acceptés dans un délai de { $days } jours après la livraison.
mail-return-shipping-free = Gratuits pour vous : { $shop } prend en charge les frais de retour.
mail-return-shipping-buyer = À votre charge.
mail-return-shipping-buyer-cost = À votre charge : { $cost } seront déduits de votre remboursement, sauf si l'article est arrivé endommagé, défectueux, erroné ou non conforme à sa description.

## return.rejected
mail-return-rejected-subject = Votre demande de retour pour la commande { $order } n'a pas été acceptée
mail-return-rejected-intro = Nous sommes désolés : { $shop } n'a pas pu accepter votre demande de retour pour la commande { $order }.
mail-return-rejected-help = Si vous pensez qu'il s'agit d'une erreur, ou pour toute question, contactez le service client grâce aux coordonnées ci-dessous.

## return.received
mail-return-received-subject = Nous avons bien reçu vos articles retournés ({ $rma })
mail-return-received-intro = { $shop } a bien reçu votre colis pour le retour { $rma } (commande { $order }).
mail-return-received-next = Les articles vont maintenant être vérifiés. Nous vous écrirons dès que votre remboursement aura été effectué.

## refund.succeeded
mail-refund-succeeded-subject = Votre remboursement de { $amount } a été effectué
mail-refund-succeeded-intro = { $shop } vous a remboursé { $amount } pour votre commande { $order }.
mail-refund-method-card = La carte utilisée pour le paiement
mail-refund-method-paypal = Votre compte PayPal
mail-refund-method-bnpl = Votre compte de paiement fractionné
mail-refund-method-bank = Le compte bancaire utilisé pour le paiement
mail-refund-method-original = Votre moyen de paiement d'origine
mail-refund-method-store-credit = Un avoir à utiliser chez { $shop }
mail-refund-method-manual = Selon les modalités convenues avec { $shop }
mail-refund-timing-card = Les remboursements par carte apparaissent généralement sur votre relevé sous 5 à 10 jours ouvrés, selon votre banque.
mail-refund-timing-paypal = Les remboursements PayPal arrivent généralement sur votre compte sous 3 à 5 jours ouvrés.
mail-refund-timing-bnpl = Votre prestataire met à jour votre solde ou vos échéances, généralement sous 5 jours ouvrés.
mail-refund-timing-bank = Les virements arrivent généralement sous 3 à 5 jours ouvrés.
mail-refund-timing-original = Généralement sous 5 à 10 jours ouvrés, selon votre prestataire de paiement.
mail-refund-timing-store-credit = Immédiatement : l'avoir est disponible pour votre prochain achat.
mail-refund-timing-manual = Selon les modalités convenues avec { $shop }. Sans nouvelles de leur part, contactez le service client.

## buyer.link_requested
mail-buyer-link-subject = Votre lien vers votre commande et vos retours chez { $shop }
mail-buyer-link-intro = Vous avez demandé à consulter votre commande { $order } et ses retours chez { $shop }. Utilisez le bouton ci-dessous pour y accéder.
mail-buyer-link-action = Ouvrir ma commande
mail-buyer-link-private = Le lien est valable jusqu'au { $expires } et vous est réservé : merci de ne pas transférer cet e-mail.
mail-buyer-link-ignore = Si vous n'avez pas demandé ce lien, vous pouvez ignorer cet e-mail.

## staff.notification
mail-staff-greeting = Bonjour à l'équipe { $shop },
mail-staff-subject-return-requested = Nouvelle demande de retour pour la commande { $order }
mail-staff-intro-return-requested = Un acheteur a demandé à retourner des articles de la commande { $order }.
mail-staff-subject-return-in-transit = Le retour { $rma } est en route (commande { $order })
mail-staff-intro-return-in-transit = L'acheteur a expédié le retour { $rma } de la commande { $order }.
mail-staff-subject-refund-failed = Échec du remboursement pour la commande { $order }
mail-staff-intro-refund-failed = Le remboursement de { $amount } pour la commande { $order } a été refusé par le prestataire de paiement. Le montant peut de nouveau être remboursé : réessayez, ou remboursez autrement.
mail-staff-subject-refund-reversed = Un remboursement de la commande { $order } a été annulé par le prestataire de paiement
mail-staff-intro-refund-reversed = Le remboursement de { $amount } pour la commande { $order } avait abouti, et le prestataire de paiement vient de l'annuler : l'acheteur n'a pas reçu l'argent. Le montant lui est de nouveau dû : remboursez-le à nouveau, ou autrement.
mail-staff-subject-refund-imported = Un remboursement de la commande { $order } fait chez le prestataire de paiement a été importé
mail-staff-intro-refund-imported = Le rapprochement a trouvé un remboursement de { $amount } pour la commande { $order } fait directement chez le prestataire de paiement (par exemple dans son tableau de bord). Reso l'a enregistré sur la commande pour que les montants concordent.
mail-staff-subject-other = Commande { $order } : { $kind }
mail-staff-intro-other = Reso a enregistré « { $kind } » pour la commande { $order }.
mail-staff-action = Ouvrir dans le centre de contrôle
mail-staff-footer = Vous recevez cet e-mail car cette adresse figure dans les paramètres de notification de { $shop } dans Reso.

## Protection des acheteurs. Variables : $deadline (date et heure), $ends (fin de
## la protection), $rdays (jours pour réagir), $message.
mail-claim-action-order = Ouvrir ma commande
mail-fact-protection-until = Protégée jusqu'au
mail-fact-claim-kind = Réclamation
mail-fact-answer-by = Réponse attendue avant le
mail-fact-react-by = Merci de répondre avant le
mail-fact-buyer-text = Description de l'acheteur
mail-fact-message = Message
mail-fact-send-by = À envoyer avant le
mail-claim-kind-not-received = Commande non reçue
mail-claim-kind-refund-not-received = Remboursement non reçu après un retour
mail-claim-kind-other-problem = Un autre problème
mail-claim-escalation-merchant-silent = Motif : { $shop } n'a pas répondu dans le délai.
mail-claim-escalation-buyer-not-received = Motif : le remboursement a été signalé comme non reçu.
mail-claim-escalation-buyer-disagrees = Motif : la réponse de { $shop } n'a pas été acceptée.
mail-claim-escalation-merchant-insolvent = Motif : { $shop } a été déclaré insolvable ; les remboursements peuvent être payés par la garantie de la protection des acheteurs.
mail-claim-escalation-other-problem = Motif : le problème signalé va directement à l'équipe de médiation.
mail-claim-escalation-documents-missed = Motif : les documents demandés par l'équipe de médiation n'ont pas été envoyés à temps.
mail-claim-decided-none = L'équipe de médiation a décidé qu'aucun remboursement n'est dû.
mail-claim-decided-merchant = L'équipe de médiation a décidé d'un remboursement de { $amount }, payé par { $shop } sur le moyen de paiement d'origine.
mail-claim-decided-guarantee = L'équipe de médiation a décidé d'un remboursement de { $amount }, payé par la garantie de la protection des acheteurs.

## protection.reminder (jour 23)
mail-protection-reminder-subject = Tout s'est-il bien passé avec votre commande { $order } ?
mail-protection-reminder-intro = Votre commande { $order } chez { $shop } est couverte par la protection des acheteurs jusqu'au { $ends }.
mail-protection-reminder-fine = Si tout s'est bien passé, vous n'avez rien à faire. Vous pouvez aussi nous le dire sur la page de votre commande, ce qui met fin à la protection.
mail-protection-reminder-problem = Si quelque chose s'est mal passé (la commande n'est pas arrivée, le remboursement après un retour ne vous est pas parvenu, ou un autre problème), ouvrez la page de votre commande et signalez-le avant la fin de la protection.

## claim.opened
mail-claim-opened-subject = Nous avons bien reçu votre réclamation sur la commande { $order }
mail-claim-opened-intro = Votre réclamation sur la commande { $order } chez { $shop } a été enregistrée.
mail-claim-opened-next = { $shop } a jusqu'au { $deadline } pour répondre. Sans réponse dans ce délai, la réclamation passe automatiquement à l'équipe de médiation.
mail-claim-opened-mediation = Elle va directement à l'équipe de médiation, qui l'examinera et vous écrira.

## claim.answered
mail-claim-answered-subject = { $shop } a répondu à votre réclamation sur la commande { $order }
mail-claim-answered-yes = { $shop } a remboursé { $amount }.
mail-claim-answered-yes-after-return = { $shop } remboursera { $amount } dès que la marchandise sera revenue.
mail-claim-answered-no = { $shop } a décidé de ne pas rembourser cette commande.
mail-claim-answered-message = Message de { $shop } : « { $message } »
mail-claim-react-full-refund = Merci d'indiquer sur la page de votre commande, dans les { $rdays } jours, si vous avez reçu le remboursement.
mail-claim-react-partial-refund = Merci d'indiquer sur la page de votre commande, dans les { $rdays } jours, si vous avez reçu le remboursement, ou si vous n'êtes pas d'accord avec le montant.
mail-claim-react-no-refund = Merci d'indiquer sur la page de votre commande, dans les { $rdays } jours, si vous acceptez cette réponse ou si vous la contestez.
mail-claim-answered-silence = Sans nouvelles de votre part avant le { $deadline }, la réclamation est close selon la réponse de { $shop }.

## claim.escalated
mail-claim-escalated-subject = Votre réclamation sur la commande { $order } est passée à l'équipe de médiation
mail-claim-escalated-next = L'équipe de médiation examinera ce que vous et { $shop } avez envoyé, puis décidera. Nous vous écrirons par e-mail.

## claim.decided
mail-claim-decided-subject = Décision sur votre réclamation pour la commande { $order }
mail-claim-decided-message = L'explication de l'équipe de médiation : « { $message } »

## claim.closed
mail-claim-closed-subject = Votre réclamation sur la commande { $order } est close
mail-claim-closed-received = Merci d'avoir confirmé la réception du remboursement.
mail-claim-closed-concluded = Merci : vous avez accepté la réponse de { $shop }.
mail-claim-closed-silence = Nous n'avons pas eu de nouvelles de votre part dans les { $rdays } jours suivant la réponse de { $shop } : la réclamation a donc été close selon la réponse de { $shop }.
mail-claim-closed-final = Votre réclamation est maintenant close.

## staff.notification sur les réclamations
mail-staff-subject-claim-opened = Nouvelle réclamation de protection des acheteurs pour la commande { $order }
mail-staff-intro-claim-opened = Un acheteur a ouvert une réclamation sur la commande { $order }. Merci de répondre avant le { $deadline } : sans réponse, la réclamation passe à l'équipe de médiation.
mail-staff-intro-claim-opened-mediation = Un acheteur a signalé un problème avec la commande { $order }. Il est passé directement à l'équipe de médiation, qui pourra vous demander des documents.
mail-staff-subject-claim-escalated = La réclamation sur la commande { $order } est passée à l'équipe de médiation
mail-staff-intro-claim-escalated = La réclamation sur la commande { $order } est maintenant entre les mains de l'équipe de médiation.
mail-staff-subject-claim-documents-requested = Documents demandés pour la réclamation sur la commande { $order }
mail-staff-intro-claim-documents-requested = L'équipe de médiation vous demande des documents sur la réclamation concernant la commande { $order }. Merci de les envoyer depuis la page de la réclamation avant le { $deadline } ; ensuite, l'équipe décide avec ce qu'elle a.
mail-staff-subject-claim-decided = Décision de médiation sur la réclamation pour la commande { $order }
mail-staff-intro-claim-decided = L'équipe de médiation a tranché la réclamation sur la commande { $order }.
mail-staff-subject-claim-closed = La réclamation sur la commande { $order } est close
mail-staff-intro-claim-closed = La réclamation sur la commande { $order } est close.
mail-staff-action-claim = Ouvrir la réclamation

## message.posted
mail-message-posted-subject = Nouveau message sur votre commande { $order }
mail-message-posted-from-shop = { $shop } vous a écrit au sujet de votre commande { $order } :
mail-message-posted-from-mediator = L'équipe de médiation vous a écrit au sujet de votre commande { $order } :
mail-message-posted-body = « { $message } »
mail-message-posted-reply = Pour répondre, ouvrez la page de votre commande.
mail-staff-subject-message-posted = Nouveau message sur la commande { $order }
mail-staff-intro-message-posted-buyer = L'acheteur a écrit au sujet de la commande { $order } :
mail-staff-intro-message-posted-mediator = L'équipe de médiation a écrit au sujet de la commande { $order } :

# Litiges chez le prestataire de paiement (rétrofacturations, réclamations).
mail-claim-kind-chargeback = Rétrofacturation par la banque
mail-claim-kind-provider-claim = Réclamation auprès du prestataire de paiement
mail-staff-subject-claim-dispute-opened = Litige de paiement sur la commande { $order } : répondez avant le { $deadline }
mail-staff-intro-claim-dispute-opened = Le prestataire de paiement signale un litige sur la commande { $order }. Acceptez-le ou envoyez vos preuves depuis la page de la réclamation avant l'échéance du prestataire ; sans réponse, il tranche généralement en faveur de l'acheteur.
mail-staff-subject-claim-dispute-answer-refused = Le prestataire de paiement n'a pas accepté votre réponse sur la commande { $order }
mail-staff-intro-claim-dispute-answer-refused = Le prestataire de paiement a refusé votre réponse au litige sur la commande { $order }. Consultez le motif sur la page de la réclamation et répondez à nouveau si l'échéance le permet.
mail-staff-subject-claim-dispute-unanswered = Le délai de réponse au litige sur la commande { $order } est écoulé
mail-staff-intro-claim-dispute-unanswered = L'échéance du prestataire de paiement pour le litige sur la commande { $order } est passée sans réponse. Le prestataire décide maintenant.
mail-staff-subject-claim-dispute-decided = Le prestataire de paiement a tranché le litige sur la commande { $order }
mail-staff-intro-claim-dispute-decided-won = Le prestataire de paiement a tranché le litige sur la commande { $order } en votre faveur.
mail-staff-intro-claim-dispute-decided-lost = Le prestataire de paiement a tranché le litige sur la commande { $order } en faveur de l'acheteur : l'acheteur garde l'argent.

## Alertes qualité (au personnel)
mail-staff-subject-quality-alert = Le taux de retour du SKU { $sku } pour des raisons de qualité est de { $rate }
mail-staff-intro-quality-alert = { $returned } des { $sold } unités du SKU { $sku } vendues ces { $window } derniers jours sont revenues endommagées, défectueuses ou non conformes à la description : { $rate }, au niveau ou au-dessus de votre seuil de { $threshold }.
mail-staff-quality-alert-next = Vérifiez le produit, sa description et son emballage avant d'en expédier davantage. Les derniers commentaires des acheteurs figurent ci-dessous ; la page de l'alerte les montre tous.
mail-quality-alert-rate = { $rate } ({ $returned } sur { $sold } vendues)
mail-fact-sku = SKU
mail-fact-product = Produit
mail-fact-return-rate = Taux de retour
mail-fact-quality-reasons = Motifs
mail-fact-buyer-comments = Commentaires des acheteurs
mail-quality-reason-damaged = Endommagé
mail-quality-reason-defective = Défectueux
mail-quality-reason-not-as-described = Non conforme à la description
mail-staff-action-quality-alert = Ouvrir l'alerte qualité
