## E-mails to buyers and to shop staff. Variables: $shop (shop name),
## $order (order number), $rma (return number), $amount ("24.50 EUR").

## Shared by every e-mail
mail-greeting = Hello,
mail-signoff = Kind regards,
mail-signature = The { $shop } team
mail-support-heading = Questions? { $shop } customer service is here to help
mail-support-email = E-mail
mail-support-phone = Phone
mail-support-hours = Opening hours
mail-support-web = Help centre
mail-footer-buyer = You are receiving this e-mail about your order { $order } at { $shop }.
mail-footer-buyer-shop = You are receiving this e-mail about your purchase at { $shop }.
mail-action-return-page = Open your return page
mail-fact-order = Order
mail-fact-rma = Return number (RMA)
mail-fact-items = Items
mail-fact-amount = Amount
mail-fact-reason = Reason
mail-fact-method = Refunded to
mail-fact-timing = When you will see it
mail-fact-credit-note = Credit note
mail-fact-address = Send the parcel to
mail-fact-shipping = Return shipping
mail-fact-expires = Link valid until
mail-fact-carrier = Carrier
mail-fact-tracking = Tracking number
mail-fact-failure = Payment provider's answer
mail-fact-event = Event

## return.requested
mail-return-requested-subject = We have received your return request for order { $order }
mail-return-requested-intro = Thank you: { $shop } has received your request to return items from order { $order }.
mail-return-requested-next = We will check it and e-mail you as soon as it has been decided.

## return.photos_requested
mail-return-photos-requested-subject = Photos needed for your return (order { $order })
mail-return-photos-requested-intro = To decide on your return of items from order { $order }, { $shop } needs a few photos of them.
mail-return-photos-requested-how = Please photograph the items, including any damage or fault, and add the photos on your return page. We will continue as soon as we have them.
mail-return-photos-requested-message = Message from { $shop }: “{ $message }”

## return.authorized
mail-return-authorized-subject = Return { $rma } authorized: how to send your items back
mail-return-authorized-intro = Good news: { $shop } has authorized your return of items from order { $order }. Your return number (RMA) is { $rma }.
mail-return-authorized-steps = How to return your items
mail-return-authorized-step-pack = Pack the items securely, in their original packaging if possible.
mail-return-authorized-step-mark = Write the return number { $rma } clearly on the parcel, or put a note with it inside.
mail-return-authorized-step-send = Send the parcel to the address below and keep the shipping receipt.
mail-return-authorized-step-track = Once it is on its way, add the carrier and tracking number on your return page.
mail-return-authorized-window = Please send the parcel soon: returns are accepted within { $days } days of delivery.
mail-return-shipping-free = Free for you: { $shop } pays for the return shipping.
mail-return-shipping-buyer = Paid by you.
mail-return-shipping-buyer-cost = Paid by you: { $cost } is deducted from your refund, unless the item arrived damaged, defective, wrong or not as described.

## return.rejected
mail-return-rejected-subject = Your return request for order { $order } was not accepted
mail-return-rejected-intro = We are sorry: { $shop } could not accept your return request for order { $order }.
mail-return-rejected-help = If you think this is a mistake, or if you have any question, please contact customer service using the details below.

## return.received
mail-return-received-subject = We have received your returned items ({ $rma })
mail-return-received-intro = { $shop } has received your parcel for return { $rma } (order { $order }).
mail-return-received-next = The items will now be checked. We will e-mail you as soon as your refund has been issued.

## refund.succeeded
mail-refund-succeeded-subject = Your refund of { $amount } has been issued
mail-refund-succeeded-intro = { $shop } has refunded { $amount } for your order { $order }.
mail-refund-method-card = The card you paid with
mail-refund-method-paypal = Your PayPal account
mail-refund-method-bnpl = Your buy-now-pay-later account
mail-refund-method-bank = The bank account you paid from
mail-refund-method-original = Your original payment method
mail-refund-method-store-credit = Store credit at { $shop }
mail-refund-method-manual = As arranged with { $shop }
mail-refund-timing-card = Card refunds usually appear on your statement within 5–10 business days, depending on your bank.
mail-refund-timing-paypal = PayPal refunds usually reach your account within 3–5 business days.
mail-refund-timing-bnpl = Your provider updates your balance or instalments, usually within 5 business days.
mail-refund-timing-bank = Bank transfers usually arrive within 3–5 business days.
mail-refund-timing-original = Usually within 5–10 business days, depending on your payment provider.
mail-refund-timing-store-credit = Right away: the credit is available for your next purchase.
mail-refund-timing-manual = As arranged with { $shop }. If you have not heard from them, please contact customer service.

## buyer.link_requested
mail-buyer-link-subject = Your link to your order and returns at { $shop }
mail-buyer-link-intro = You asked to see your order { $order } and its returns at { $shop }. Use the button below to open them.
mail-buyer-link-action = Open my order
mail-buyer-link-private = The link works until { $expires } and only for you: please do not forward this e-mail.
mail-buyer-link-ignore = If you did not ask for this link, you can ignore this e-mail.

## staff.notification
mail-staff-greeting = Hello { $shop } team,
mail-staff-subject-return-requested = New return request for order { $order }
mail-staff-intro-return-requested = A buyer has asked to return items from order { $order }.
mail-staff-subject-return-in-transit = Return { $rma } is on its way back (order { $order })
mail-staff-intro-return-in-transit = The buyer has shipped return { $rma } for order { $order } back to you.
mail-staff-subject-refund-failed = Refund failed for order { $order }
mail-staff-intro-refund-failed = The refund of { $amount } for order { $order } was declined by the payment provider. The amount can be refunded again: please retry, or refund another way.
mail-staff-subject-refund-reversed = A refund for order { $order } was taken back by the payment provider
mail-staff-intro-refund-reversed = The refund of { $amount } for order { $order } had gone through, and the payment provider has now reversed it: the buyer did not get the money. The amount is owed to the buyer again: please refund it again, or another way.
mail-staff-subject-refund-imported = A refund for order { $order } made at the payment provider was imported
mail-staff-intro-refund-imported = Reconciliation found a refund of { $amount } for order { $order } that was made directly at the payment provider (for example in its dashboard). Reso has recorded it on the order so the amounts agree.
mail-staff-subject-other = Order { $order }: { $kind }
mail-staff-intro-other = Reso recorded “{ $kind }” for order { $order }.
mail-staff-action = Open in the control center
mail-staff-footer = You are receiving this e-mail because this address is set to be notified in { $shop }'s notification settings in Reso.

## Buyer protection. Variables: $deadline (date and time), $ends (end of the
## protection), $rdays (days the buyer has to react), $message.
mail-claim-action-order = Open my order
mail-fact-protection-until = Protected until
mail-fact-claim-kind = Claim
mail-fact-answer-by = Answer due by
mail-fact-react-by = Please reply by
mail-fact-buyer-text = Buyer's description
mail-fact-message = Message
mail-fact-send-by = Send by
mail-claim-kind-not-received = Order not received
mail-claim-kind-refund-not-received = Refund not received after a return
mail-claim-kind-other-problem = Another problem
mail-claim-escalation-merchant-silent = Reason: { $shop } did not answer within the deadline.
mail-claim-escalation-buyer-not-received = Reason: the refund was reported as not received.
mail-claim-escalation-buyer-disagrees = Reason: the answer of { $shop } was not accepted.
mail-claim-escalation-merchant-insolvent = Reason: { $shop } has been declared insolvent; refunds can be paid from the buyer-protection guarantee.
mail-claim-escalation-other-problem = Reason: the problem reported goes straight to the mediation team.
mail-claim-escalation-documents-missed = Reason: the documents the mediation team asked for were not sent in time.
mail-claim-decided-none = The mediation team has decided that no refund is due.
mail-claim-decided-merchant = The mediation team has decided on a refund of { $amount }, paid by { $shop } to the original payment method.
mail-claim-decided-guarantee = The mediation team has decided on a refund of { $amount }, paid from the buyer-protection guarantee.

## protection.reminder (day 23)
mail-protection-reminder-subject = Did everything go well with your order { $order }?
mail-protection-reminder-intro = Your order { $order } at { $shop } is covered by buyer protection until { $ends }.
mail-protection-reminder-fine = If everything went well, there is nothing to do. You can also tell us so on your order page, which ends the protection.
mail-protection-reminder-problem = If something went wrong (the order did not arrive, a refund after a return did not reach you, or another problem), open your order page and tell us before the protection ends.

## claim.opened
mail-claim-opened-subject = We have received your claim about order { $order }
mail-claim-opened-intro = Your claim about order { $order } at { $shop } has been recorded.
mail-claim-opened-next = { $shop } has until { $deadline } to answer. If it does not answer in time, the claim goes to the mediation team automatically.
mail-claim-opened-mediation = It goes straight to the mediation team, who will look at it and write to you.

## claim.answered
mail-claim-answered-subject = { $shop } has answered your claim about order { $order }
mail-claim-answered-yes = { $shop } has refunded { $amount }.
mail-claim-answered-yes-after-return = { $shop } will refund { $amount } once the goods are back.
mail-claim-answered-no = { $shop } has decided not to refund this order.
mail-claim-answered-message = Message from { $shop }: “{ $message }”
mail-claim-react-full-refund = Please tell us on your order page within { $rdays } days whether you received the refund.
mail-claim-react-partial-refund = Please tell us on your order page within { $rdays } days whether you received the refund, or whether you do not agree with the amount.
mail-claim-react-no-refund = Please tell us on your order page within { $rdays } days whether you accept this answer or do not agree with it.
mail-claim-answered-silence = If we do not hear from you by { $deadline }, the claim is closed as { $shop } answered it.

## claim.escalated
mail-claim-escalated-subject = Your claim about order { $order } has gone to the mediation team
mail-claim-escalated-next = The mediation team will review what you and { $shop } have sent and decide. We will write to you by e-mail.

## claim.decided
mail-claim-decided-subject = Decision on your claim about order { $order }
mail-claim-decided-message = The mediation team's explanation: “{ $message }”

## claim.closed
mail-claim-closed-subject = Your claim about order { $order } is closed
mail-claim-closed-received = Thank you for confirming that you received the refund.
mail-claim-closed-concluded = Thank you: you accepted the answer of { $shop }.
mail-claim-closed-silence = We did not hear from you within { $rdays } days of the answer of { $shop }, so the claim has been closed as { $shop } answered it.
mail-claim-closed-final = Your claim is now closed.

## staff.notification about claims
mail-staff-subject-claim-opened = New buyer-protection claim for order { $order }
mail-staff-intro-claim-opened = A buyer has opened a claim about order { $order }. Please answer by { $deadline }: without an answer, the claim goes to the mediation team.
mail-staff-intro-claim-opened-mediation = A buyer has reported a problem with order { $order }. It has gone straight to the mediation team, who may ask you for documents.
mail-staff-subject-claim-escalated = The claim about order { $order } has gone to the mediation team
mail-staff-intro-claim-escalated = The claim about order { $order } is now with the mediation team.
mail-staff-subject-claim-documents-requested = Documents needed for the claim about order { $order }
mail-staff-intro-claim-documents-requested = The mediation team asks you for documents about the claim on order { $order }. Please send them from the claim page by { $deadline }; after that, the team decides on what it has.
mail-staff-subject-claim-decided = Mediation decision on the claim about order { $order }
mail-staff-intro-claim-decided = The mediation team has decided the claim about order { $order }.
mail-staff-subject-claim-closed = The claim about order { $order } is closed
mail-staff-intro-claim-closed = The claim about order { $order } is closed.
mail-staff-action-claim = Open the claim

## message.posted
mail-message-posted-subject = New message about your order { $order }
mail-message-posted-from-shop = { $shop } has written to you about your order { $order }:
mail-message-posted-from-mediator = The mediation team has written to you about your order { $order }:
mail-message-posted-body = “{ $message }”
mail-message-posted-reply = To answer, open your order page.
mail-staff-subject-message-posted = New message about order { $order }
mail-staff-intro-message-posted-buyer = The buyer has written about order { $order }:
mail-staff-intro-message-posted-mediator = The mediation team has written about order { $order }:

# Disputes at the payment provider (chargebacks, provider claims).
mail-claim-kind-chargeback = Chargeback through the bank
mail-claim-kind-provider-claim = Claim at the payment provider
mail-staff-subject-claim-dispute-opened = Payment dispute on order { $order }: answer by { $deadline }
mail-staff-intro-claim-dispute-opened = The payment provider reports a dispute on order { $order }. Accept it or send your evidence from the claim page before the provider's deadline; without an answer, the provider usually decides for the buyer.
mail-staff-subject-claim-dispute-answer-refused = The payment provider did not take your answer on order { $order }
mail-staff-intro-claim-dispute-answer-refused = The payment provider refused your answer to the dispute on order { $order }. Please look at the reason on the claim page and answer again if the deadline allows.
mail-staff-subject-claim-dispute-unanswered = The answer time for the dispute on order { $order } is over
mail-staff-intro-claim-dispute-unanswered = The payment provider's deadline for the dispute on order { $order } passed without an answer. The provider now decides.
mail-staff-subject-claim-dispute-decided = The payment provider decided the dispute on order { $order }
mail-staff-intro-claim-dispute-decided-won = The payment provider decided the dispute on order { $order } for you.
mail-staff-intro-claim-dispute-decided-lost = The payment provider decided the dispute on order { $order } for the buyer: the buyer keeps the money.

## Quality alerts (to staff)
mail-staff-subject-quality-alert = Return rate for SKU { $sku } is { $rate } for quality reasons
mail-staff-intro-quality-alert = { $returned } of the { $sold } units of SKU { $sku } sold in the last { $window } days came back damaged, defective or not as described: { $rate }, at or above your threshold of { $threshold }.
mail-staff-quality-alert-next = Please check the product, its description and its packaging before more of it ships. The latest buyers' comments are below; the alert page shows all of them.
mail-quality-alert-rate = { $rate } ({ $returned } of { $sold } sold)
mail-fact-sku = SKU
mail-fact-product = Product
mail-fact-return-rate = Return rate
mail-fact-quality-reasons = Reasons
mail-fact-buyer-comments = Buyers' comments
mail-quality-reason-damaged = Damaged
mail-quality-reason-defective = Defective
mail-quality-reason-not-as-described = Not as described
mail-staff-action-quality-alert = Open the quality alert
