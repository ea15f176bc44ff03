shop-support = Service client

## Error pages
error-title-unauthorized = Veuillez vous connecter
error-title-forbidden = Ce lien n’est pas valide
error-title-not-found = Page introuvable
error-title-conflict = Impossible pour le moment
error-title-expired = Ce lien a expiré
error-title-invalid = Veuillez vérifier votre saisie
error-title-rate-limited = Trop de tentatives
error-title-internal = Une erreur s’est produite
error-shop-not-found = Nous n’avons pas trouvé cette boutique.
error-link-tampered = Ce lien n’est pas valide. Utilisez le lien de votre e-mail tel qu’il vous a été envoyé, ou demandez-en un nouveau.
error-link-expired = Pour votre sécurité, les liens vers votre commande sont valables 24 heures. Veuillez en demander un nouveau.
error-ask-new-link = Demander un nouveau lien
error-order-not-found = Nous n’avons pas trouvé de commande avec ce numéro et cette adresse e-mail. Vérifiez les deux et réessayez.
error-return-not-found = Nous n’avons pas trouvé ce retour pour votre commande.
error-too-many-links = Vous avez demandé plusieurs liens en peu de temps. Consultez votre boîte de réception (et vos spams), ou réessayez dans une heure.
error-too-large = L’envoi est trop volumineux. Envoyez au maximum 5 photos de 5 Mo chacune.
error-bad-form = Nous n’avons pas pu lire ce formulaire. Veuillez réessayer.

## Shared buyer page parts
language = Langue
support-title = Besoin d’aide ?
support-intro = Contactez le service client de { $shop } :
support-email = E-mail
support-phone = Téléphone
support-hours = Horaires
support-web = Centre d’aide
help-link = Conditions de retour et FAQ

## Return policy / FAQ page
help-page-title = Retours et remboursements
help-intro = Comment retourner un article acheté chez { $shop } et être remboursé.
help-start-button = Commencer un retour
help-window-q = De combien de temps est-ce que je dispose pour retourner un article ?
help-window-a = Vous pouvez demander un retour dans les { $days } jours suivant la livraison.
help-excluded-q = Qu’est-ce qui ne peut pas être retourné ?
help-excluded-a = Les articles indiqués comme non retournables sur votre commande ne peuvent pas être retournés.
help-excluded-skus = Ces produits ne peuvent pas non plus être retournés (références) :
help-fee-q = Un retour est-il payant ?
help-fee-none = Aucuns frais de restockage ne sont appliqués.
help-fee-percent = Des frais de restockage de { $percent } % de la valeur des articles retournés sont déduits de votre remboursement.
help-fee-fixed = Des frais de restockage de { $amount } par retour sont déduits de votre remboursement.
help-shipping-free = Les frais de retour sont gratuits pour vous.
help-shipping-buyer = Les frais de retour sont à votre charge : { $amount } sont déduits de votre remboursement.
help-fault-note = Si un article est arrivé endommagé, défectueux, erroné ou non conforme à sa description, rien n’est déduit et le retour est gratuit.
help-refund-q = Comment serai-je remboursé ?
help-refund-original = Nous remboursons sur le moyen de paiement utilisé pour la commande (carte, PayPal, paiement fractionné…).
help-refund-credit = Nous remboursons sous forme d’avoir, utilisable sur votre prochaine commande.
help-refund-choice = Vous choisissez au moment de la demande : un remboursement sur votre moyen de paiement d’origine ou un avoir.
help-timing-q = Quand serai-je remboursé ?
help-timing-a = Nous effectuons le remboursement dès que nous avons reçu et vérifié les articles, et nous vous prévenons par e-mail. Un avoir est disponible immédiatement ; un remboursement sur carte ou PayPal apparaît généralement sous 5 à 10 jours ouvrés, selon votre banque.
help-steps-q = Comment retourner un article ?
help-step-1 = Ouvrez la page des retours et saisissez votre numéro de commande et l’adresse e-mail utilisée pour commander.
help-step-2 = Ouvrez le lien que nous vous envoyons par e-mail. Il affiche votre commande et reste valable 24 heures.
help-step-3 = Choisissez les articles, la quantité et le motif. Des photos nous aident si un article est endommagé ou erroné.
help-step-4 = Une fois votre retour autorisé, vous recevez un numéro de retour (RMA) et l’adresse de retour. Inscrivez le numéro RMA sur le colis et envoyez-le.
help-step-5 = Indiquez le transporteur et le numéro de suivi sur la page de votre retour pour pouvoir le suivre.
help-step-6 = Nous vérifions les articles à leur arrivée et vous remboursons. Vous pouvez suivre chaque étape sur la page de votre retour.

## Start page: order number and e-mail
start-title = Retourner un article
start-intro = Saisissez votre numéro de commande et l’adresse e-mail utilisée pour la commande. Nous vous enverrons par e-mail un lien vers votre commande.
start-order-number = Numéro de commande
start-order-number-hint = Il figure dans votre confirmation de commande.
start-email = Adresse e-mail
start-submit = M’envoyer le lien
start-policy = Lire d’abord les conditions de retour
link-sent-title = Consultez vos e-mails
link-sent-body = Nous avons envoyé un lien vers votre commande à l’adresse e-mail saisie. Il est valable 24 heures.
link-sent-spam = Rien reçu après quelques minutes ? Vérifiez vos spams, ou demandez un nouveau lien.

## Order page
order-title = Commande { $number }
order-placed = Commandée le { $date }
order-hello = Bonjour { $name },
order-items = Vos articles
order-bought = Achetés : { $quantity }
order-unit-price = Prix : { $price }
order-left = Encore retournables : { $quantity }
order-not-returnable = Cet article ne peut pas être retourné selon les conditions de la boutique.
order-all-in-returns = Toutes les unités de cet article font déjà l’objet d’un retour.
order-window-closed = Le délai de retour est dépassé.
order-window-until = Vous pouvez demander un retour jusqu’au { $date }.
order-window-passed = Le délai de retour a pris fin le { $date }. Contactez le service client si vous avez besoin d’aide.
order-nothing-to-return = Il n’y a plus rien à retourner sur cette commande.
order-your-returns = Vos retours
order-return-opened = Demandé le { $date }
order-return-view = Voir ce retour

## Return request form
request-title = Demander un retour
request-intro = Choisissez combien d’exemplaires de chaque article vous voulez retourner, et pourquoi.
request-quantity = Quantité à retourner
request-reason = Motif
request-reason-choose = Choisissez un motif
request-comment = Commentaire (facultatif)
request-comment-hint = Dites-nous en quelques mots ce qui s’est passé.
request-photos = Photos (facultatives)
request-photos-hint = Jusqu’à 5 photos (JPEG, PNG, GIF ou WebP), 5 Mo chacune. Elles nous aident si un article est endommagé ou erroné.
request-photos-again = Si vous aviez choisi des photos, veuillez les sélectionner à nouveau.
request-method = Comment souhaitez-vous être remboursé ?
request-method-original = Sur mon moyen de paiement d’origine
request-method-credit = Sous forme d’avoir
request-submit = Demander le retour
request-problem = Veuillez vérifier votre demande de retour :

## Mistakes in a return request
mistake-no-lines = Choisissez au moins un article à retourner (une quantité supérieure à 0).
mistake-bad-quantity = La quantité doit être un nombre entier.
mistake-missing-reason = Choisissez un motif pour « { $item } ».
mistake-bad-reason = Choisissez un motif dans la liste pour « { $item } ».
mistake-unknown-line = L’un des articles choisis ne fait pas partie de cette commande.
mistake-duplicate-line = Un article a été indiqué deux fois.
mistake-not-returnable = « { $item } » ne peut pas être retourné selon les conditions de la boutique.
mistake-quantity-too-high = Vous voulez retourner { $asked } × « { $item } », mais seulement { $left } peuvent encore être retournés.
mistake-outside-window = Le délai de retour de { $window } jours après la livraison est dépassé.
mistake-too-many-photos = Vous pouvez joindre au maximum 5 photos.
mistake-photo-too-large = Chaque photo peut faire au maximum 5 Mo.
mistake-not-an-image = Seules des photos peuvent être jointes (JPEG, PNG, GIF ou WebP).
mistake-no-photos = Choisissez au moins une photo.
mistake-tracking = Indiquez le transporteur et le numéro de suivi (128 caractères maximum).
mistake-confirm-withdraw = Cochez la case pour confirmer que vous voulez annuler ce retour.
mistake-comment-too-long = Le commentaire peut contenir au maximum 2000 caractères.

## Return status page
return-title = Votre retour
return-title-rma = Retour { $rma }
return-of-order = Pour la commande { $number }, demandé le { $date }
return-back = Retour à votre commande
return-progress = Avancement
step-requested = Demandé
step-authorized = Autorisé
step-in-transit = En route
step-received = Reçu
step-refunded = Remboursé
return-status = Statut
return-items = Articles
return-item-line = { $quantity } × { $item } — { $reason }
return-photos-count = Photos jointes : { $count }
return-rma = Votre numéro de retour (RMA)
return-instructions = Comment renvoyer les articles
return-instruction-pack = Emballez soigneusement les articles, avec tout ce qui les accompagnait.
return-instruction-label = Inscrivez lisiblement le numéro de retour { $rma } sur le colis.
return-instruction-address = Envoyez le colis à :
return-shipping-free = Le retour est gratuit pour vous : la boutique prend les frais en charge.
return-shipping-buyer = Les frais de retour sont à votre charge ; { $amount } sont déduits de votre remboursement.
return-keep-goods = Vous n’avez rien à renvoyer : gardez les articles.
return-rejected = La boutique n’a pas autorisé ce retour.
return-rejection-reason = Motif indiqué par la boutique :
return-closed = Ce retour est clos.
return-waiting = La boutique examine votre demande. Nous vous écrirons dès qu’elle sera traitée.
return-photos-needed = La boutique a besoin de photos des articles pour décider. Ajoutez-les ci-dessous.
return-received-note = La boutique a reçu votre colis et vérifie les articles.
return-refund = Votre remboursement
return-refund-line = { $amount } — { $method }
return-refund-pending = En cours
return-refund-done = Effectué le { $date }
return-refund-failed = Retardé : la boutique s’en occupe
return-refund-timing-original = Un remboursement sur carte ou PayPal apparaît généralement sous 5 à 10 jours ouvrés.
return-refund-timing-credit = L’avoir est disponible immédiatement.
return-timeline = Historique
tracking-title = Indiquez le suivi de votre colis
tracking-intro = Vous avez déjà envoyé le colis ? Indiquez-nous le transporteur et le numéro de suivi.
tracking-current = Suivi : { $carrier } { $tracking }
tracking-carrier = Transporteur
tracking-carrier-hint = Par exemple Colissimo, DHL, UPS.
tracking-number = Numéro de suivi
tracking-submit = Enregistrer le suivi
photos-title = Ajouter des photos
photos-submit = Envoyer les photos
withdraw-title = Annuler ce retour
withdraw-intro = Vous avez changé d’avis ? Vous pouvez annuler ce retour tant que vous n’avez pas envoyé le colis.
withdraw-confirm = Oui, je veux annuler ce retour
withdraw-submit = Annuler le retour
saved-tracking = Merci, nous avons enregistré votre numéro de suivi.
saved-photos = Merci, nous avons bien reçu vos photos.
saved-withdrawn = Votre retour a été annulé.
saved-requested = Merci, nous avons bien reçu votre demande de retour.

## Statuses
status-requested = Demandé
status-photos_requested = Photos nécessaires
status-authorized = Autorisé
status-in_transit = En route vers la boutique
status-received = Reçu
status-inspected = Vérifié
status-refunding = Remboursement en cours
status-refunded = Remboursé
status-rejected = Non autorisé
status-closed = Clos

## Reasons
reason-damaged = Arrivé endommagé
reason-defective = Défectueux ou ne fonctionne pas
reason-wrong_item = Mauvais article reçu
reason-not_as_described = Non conforme à la description
reason-too_small = Trop petit
reason-too_large = Trop grand
reason-changed_mind = J’ai changé d’avis
reason-arrived_late = Arrivé trop tard
reason-other = Autre motif

## Refund methods
refund-method-original_payment = Moyen de paiement d’origine
refund-method-store_credit = Avoir
refund-method-manual = Remboursé directement par la boutique

## Timeline
event-return-requested = Vous avez demandé le retour
event-return-photos_requested = La boutique a demandé des photos
event-return-photos_added = Photos ajoutées
event-return-authorized = Retour autorisé
event-return-rejected = Retour non autorisé
event-return-in_transit = Colis en route vers la boutique
event-return-received = Colis reçu par la boutique
event-return-inspected = Articles vérifiés
event-return-closed = Retour clos
event-return-withdrawn = Retour annulé
event-return-refunded = Remboursement effectué
event-refund-created = Remboursement lancé
event-refund-succeeded = Remboursement terminé
event-refund-failed = Remboursement retardé
event-other = Retour mis à jour
