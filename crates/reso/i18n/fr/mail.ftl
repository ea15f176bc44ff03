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
mail-staff-subject-other = Commande { $order } : { $kind }
mail-staff-intro-other = Reso a enregistré « { $kind } » pour la commande { $order }.
mail-staff-action = Ouvrir dans le centre de contrôle
mail-staff-footer = Vous recevez cet e-mail car cette adresse figure dans les paramètres de notification de { $shop } dans Reso.
