shop-support = Support

## Error pages
error-title-unauthorized = Please sign in
error-title-forbidden = This link is not valid
error-title-not-found = Not found
error-title-conflict = This cannot be done now
error-title-expired = This link has expired
error-title-invalid = Please check what you entered
error-title-rate-limited = Too many attempts
error-title-internal = Something went wrong
error-shop-not-found = We could not find this shop.
error-link-tampered = This link is not valid. Please use the link from your e-mail exactly as it was sent, or ask for a new one.
error-link-expired = For your security, links to your order work for 24 hours. Please ask for a new one.
error-ask-new-link = Ask for a new link
error-order-not-found = We could not find an order with this number and e-mail address. Please check both and try again.
error-return-not-found = We could not find this return for your order.
error-too-many-links = You have asked for several links in a short time. Please check your inbox (and spam folder), or try again in an hour.
error-too-large = The upload is too large. Please send at most 5 photos of up to 5 MB each.
error-bad-form = We could not read this form. Please try again.

## Shared buyer page parts
language = Language
support-title = Need help?
support-intro = Contact { $shop } customer service:
support-email = E-mail
support-phone = Phone
support-hours = Opening hours
support-web = Help centre
help-link = Return policy and FAQ

## Return policy / FAQ page
help-page-title = Returns and refunds
help-intro = How to return an item bought from { $shop } and get your money back.
help-start-button = Start a return
help-window-q = How long do I have to return an item?
help-window-a = You can ask for a return within { $days } days of delivery.
help-excluded-q = What cannot be returned?
help-excluded-a = Items marked as not returnable on your order cannot be returned.
help-excluded-skus = These products cannot be returned either (product codes):
help-fee-q = Does a return cost anything?
help-fee-none = There is no restocking fee.
help-fee-percent = A restocking fee of { $percent } % of the value of the returned items is deducted from your refund.
help-fee-fixed = A restocking fee of { $amount } per return is deducted from your refund.
help-shipping-free = Return shipping is free for you.
help-shipping-buyer = You pay for return shipping: { $amount } is deducted from your refund.
help-fault-note = If an item arrived damaged, defective, wrong or not as described, nothing is deducted and return shipping is free.
help-refund-q = How will I get my money back?
help-refund-original = We refund to the payment method you used for the order (card, PayPal, buy now pay later…).
help-refund-credit = We refund as store credit, which you can use on your next order.
help-refund-choice = You choose when you ask for the return: a refund to your original payment method, or store credit.
help-timing-q = When will I get my refund?
help-timing-a = We issue the refund as soon as we have received and checked the items, and e-mail you when we do. Store credit is available at once; a refund to a card or PayPal usually appears within 5 to 10 business days, depending on your bank.
help-steps-q = How do I return an item?
help-step-1 = Open the returns page and enter your order number and the e-mail address you ordered with.
help-step-2 = Open the link we e-mail you. It shows your order and works for 24 hours.
help-step-3 = Choose the items, the quantity and the reason. Photos help us when something is damaged or wrong.
help-step-4 = When your return is authorized you receive a return number (RMA) and the return address. Write the RMA number on the parcel and send it.
help-step-5 = Enter the carrier and the tracking number on your return page, so you can follow it.
help-step-6 = We check the items when they arrive and refund you. You can follow every step on your return page.

## Start page: order number and e-mail
start-title = Return an item
start-intro = Enter your order number and the e-mail address you used for the order. We will e-mail you a link to your order.
start-order-number = Order number
start-order-number-hint = You find it in your order confirmation.
start-email = E-mail address
start-submit = Send me the link
start-policy = Read the return policy first
link-sent-title = Check your e-mail
link-sent-body = We have sent a link to your order to the e-mail address you entered. It works for 24 hours.
link-sent-spam = Nothing arrived after a few minutes? Check your spam folder, or ask for a new link.

## Order page
order-title = Order { $number }
order-placed = Ordered on { $date }
order-hello = Hello { $name },
order-items = Your items
order-bought = Bought: { $quantity }
order-unit-price = Price: { $price }
order-left = Still returnable: { $quantity }
order-not-returnable = This item cannot be returned under the shop's policy.
order-all-in-returns = Every unit of this item is already in a return.
order-window-closed = The return window has closed.
order-window-until = You can ask for a return until { $date }.
order-window-passed = The return window ended on { $date }. Contact customer service if you need help.
order-nothing-to-return = There is nothing left to return on this order.
order-your-returns = Your returns
order-return-opened = Asked for on { $date }
order-return-view = View this return

## Return request form
request-title = Ask for a return
request-intro = Choose how many of each item you want to return and why.
request-quantity = Quantity to return
request-reason = Reason
request-reason-choose = Choose a reason
request-comment = Comment (optional)
request-comment-hint = Tell us what happened, in a few words.
request-photos = Photos (optional)
request-photos-hint = Up to 5 photos (JPEG, PNG, GIF or WebP), 5 MB each. They help when an item is damaged or wrong.
request-photos-again = If you had chosen photos, please choose them again.
request-method = How do you want your refund?
request-method-original = To my original payment method
request-method-credit = As store credit
request-submit = Ask for the return
request-problem = Please check your return request:

## Mistakes in a return request
mistake-no-lines = Choose at least one item to return (a quantity above 0).
mistake-bad-quantity = The quantity must be a whole number.
mistake-missing-reason = Choose a reason for “{ $item }”.
mistake-bad-reason = Choose a reason from the list for “{ $item }”.
mistake-unknown-line = One of the chosen items is not part of this order.
mistake-duplicate-line = An item was listed twice.
mistake-not-returnable = “{ $item }” cannot be returned under the shop's policy.
mistake-quantity-too-high = You asked to return { $asked } of “{ $item }”, but only { $left } can still be returned.
mistake-outside-window = The return window of { $window } days after delivery has passed.
mistake-too-many-photos = You can attach at most 5 photos.
mistake-photo-too-large = Each photo can be at most 5 MB.
mistake-not-an-image = Only photos can be attached (JPEG, PNG, GIF or WebP).
mistake-no-photos = Choose at least one photo.
mistake-tracking = Enter the carrier and the tracking number (up to 128 characters).
mistake-confirm-withdraw = Tick the box to confirm that you want to withdraw this return.
mistake-comment-too-long = The comment can be at most 2000 characters.

## Return status page
return-title = Your return
return-title-rma = Return { $rma }
return-of-order = For order { $number }, asked for on { $date }
return-back = Back to your order
return-progress = Progress
step-requested = Requested
step-authorized = Authorized
step-in-transit = On its way
step-received = Received
step-refunded = Refunded
return-status = Status
return-items = Items
return-item-line = { $quantity } × { $item } — { $reason }
return-photos-count = Photos attached: { $count }
return-rma = Your return number (RMA)
return-instructions = How to send the items back
return-instruction-pack = Pack the items safely, with everything that came with them.
return-instruction-label = Write the return number { $rma } clearly on the parcel.
return-instruction-address = Send the parcel to:
return-shipping-free = Return shipping is free for you: the shop pays for it.
return-shipping-buyer = You pay for return shipping; { $amount } is deducted from your refund.
return-keep-goods = You do not need to send anything back: keep the items.
return-rejected = The shop did not authorize this return.
return-rejection-reason = Reason given by the shop:
return-closed = This return is closed.
return-waiting = The shop is looking at your request. We will e-mail you as soon as it is decided.
return-photos-needed = The shop needs photos of the items before it can decide. Please add them below.
return-received-note = The shop has received your parcel and is checking the items.
return-refund = Your refund
return-refund-line = { $amount } — { $method }
return-refund-pending = On its way
return-refund-done = Issued on { $date }
return-refund-failed = Delayed: the shop is looking into it
return-refund-timing-original = A refund to a card or PayPal usually appears within 5 to 10 business days.
return-refund-timing-credit = Store credit is available at once.
return-timeline = History
tracking-title = Enter your parcel's tracking
tracking-intro = Already sent the parcel? Tell us the carrier and the tracking number.
tracking-current = Tracking: { $carrier } { $tracking }
tracking-carrier = Carrier
tracking-carrier-hint = For example DHL, UPS, Poste Italiane.
tracking-number = Tracking number
tracking-submit = Save tracking
photos-title = Add photos
photos-submit = Send photos
withdraw-title = Withdraw this return
withdraw-intro = Changed your mind? You can withdraw this return as long as you have not sent the parcel.
withdraw-confirm = Yes, I want to withdraw this return
withdraw-submit = Withdraw return
saved-tracking = Thank you, we have saved your tracking number.
saved-photos = Thank you, we have received your photos.
saved-withdrawn = Your return has been withdrawn.
saved-requested = Thank you, we have received your return request.

## Statuses
status-requested = Requested
status-photos_requested = Photos needed
status-authorized = Authorized
status-in_transit = On its way back
status-received = Received
status-inspected = Checked
status-refunding = Refund on its way
status-refunded = Refunded
status-rejected = Not authorized
status-closed = Closed

## Reasons
reason-damaged = Arrived damaged
reason-defective = Defective or does not work
reason-wrong_item = Wrong item sent
reason-not_as_described = Not as described
reason-too_small = Too small
reason-too_large = Too large
reason-changed_mind = Changed my mind
reason-arrived_late = Arrived too late
reason-other = Other reason

## Refund methods
refund-method-original_payment = Original payment method
refund-method-store_credit = Store credit
refund-method-manual = Paid back by the shop directly

## Timeline
event-return-requested = You asked for the return
event-return-photos_requested = The shop asked for photos
event-return-photos_added = Photos added
event-return-authorized = Return authorized
event-return-rejected = Return not authorized
event-return-in_transit = Parcel on its way back
event-return-received = Parcel received by the shop
event-return-inspected = Items checked
event-return-closed = Return closed
event-return-withdrawn = Return withdrawn
event-return-refunded = Refund issued
event-refund-created = Refund started
event-refund-succeeded = Refund completed
event-refund-failed = Refund delayed
event-other = Return updated
