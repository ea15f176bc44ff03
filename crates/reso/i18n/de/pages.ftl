shop-support = Kundenservice

## Error pages
error-title-unauthorized = Bitte melden Sie sich an
error-title-forbidden = Dieser Link ist ungültig
error-title-not-found = Nicht gefunden
error-title-conflict = Das ist gerade nicht möglich
error-title-expired = Dieser Link ist abgelaufen
error-title-invalid = Bitte prüfen Sie Ihre Eingaben
error-title-rate-limited = Zu viele Versuche
error-title-internal = Etwas ist schiefgelaufen
error-shop-not-found = Diesen Shop haben wir nicht gefunden.
error-link-tampered = Dieser Link ist ungültig. Bitte verwenden Sie den Link aus Ihrer E-Mail genau so, wie er angekommen ist, oder fordern Sie einen neuen an.
error-link-expired = Zu Ihrer Sicherheit gelten Links zu Ihrer Bestellung 24 Stunden. Bitte fordern Sie einen neuen an.
error-ask-new-link = Neuen Link anfordern
error-order-not-found = Wir haben keine Bestellung mit dieser Nummer und dieser E-Mail-Adresse gefunden. Bitte prüfen Sie beides und versuchen Sie es erneut.
error-return-not-found = Diese Rücksendung haben wir zu Ihrer Bestellung nicht gefunden.
error-too-many-links = Sie haben in kurzer Zeit mehrere Links angefordert. Bitte sehen Sie in Ihrem Posteingang (auch im Spam-Ordner) nach oder versuchen Sie es in einer Stunde erneut.
error-too-large = Der Upload ist zu groß. Bitte senden Sie höchstens 5 Fotos mit je bis zu 5 MB.
error-bad-form = Wir konnten das Formular nicht lesen. Bitte versuchen Sie es erneut.

## Shared buyer page parts
language = Sprache
support-title = Brauchen Sie Hilfe?
support-intro = So erreichen Sie den Kundenservice von { $shop }:
support-email = E-Mail
support-phone = Telefon
support-hours = Erreichbarkeit
support-web = Hilfe-Center
help-link = Rückgabebedingungen und häufige Fragen

## Return policy / FAQ page
help-page-title = Rücksendungen und Erstattungen
help-intro = So senden Sie einen bei { $shop } gekauften Artikel zurück und erhalten Ihr Geld zurück.
help-start-button = Rücksendung starten
help-window-q = Wie lange habe ich Zeit für eine Rücksendung?
help-window-a = Sie können innerhalb von { $days } Tagen nach der Lieferung eine Rücksendung anfragen.
help-excluded-q = Was kann nicht zurückgegeben werden?
help-excluded-a = Artikel, die in Ihrer Bestellung als nicht rückgabefähig gekennzeichnet sind, können nicht zurückgegeben werden.
help-excluded-skus = Auch diese Produkte sind von der Rückgabe ausgeschlossen (Artikelnummern):
help-fee-q = Kostet eine Rücksendung etwas?
help-fee-none = Es fällt keine Wiedereinlagerungsgebühr an.
help-fee-percent = Von Ihrer Erstattung wird eine Wiedereinlagerungsgebühr von { $percent } % des Werts der zurückgesandten Artikel abgezogen.
help-fee-fixed = Von Ihrer Erstattung wird eine Wiedereinlagerungsgebühr von { $amount } pro Rücksendung abgezogen.
help-shipping-free = Der Rückversand ist für Sie kostenlos.
help-shipping-buyer = Die Kosten des Rückversands tragen Sie: { $amount } werden von Ihrer Erstattung abgezogen.
help-fault-note = Kam ein Artikel beschädigt, defekt, falsch oder nicht wie beschrieben an, wird nichts abgezogen und der Rückversand ist kostenlos.
help-refund-q = Wie bekomme ich mein Geld zurück?
help-refund-original = Wir erstatten auf die Zahlungsart, mit der Sie bestellt haben (Karte, PayPal, Ratenkauf …).
help-refund-credit = Wir erstatten als Shop-Guthaben, das Sie bei Ihrer nächsten Bestellung einlösen können.
help-refund-choice = Sie wählen bei der Anfrage: Erstattung auf die ursprüngliche Zahlungsart oder Shop-Guthaben.
help-timing-q = Wann erhalte ich meine Erstattung?
help-timing-a = Wir erstatten, sobald wir die Artikel erhalten und geprüft haben, und informieren Sie per E-Mail. Shop-Guthaben steht sofort zur Verfügung; eine Erstattung auf Karte oder PayPal erscheint je nach Bank meist innerhalb von 5 bis 10 Werktagen.
help-steps-q = Wie sende ich einen Artikel zurück?
help-step-1 = Öffnen Sie die Rücksendeseite und geben Sie Ihre Bestellnummer und die E-Mail-Adresse Ihrer Bestellung ein.
help-step-2 = Öffnen Sie den Link, den wir Ihnen per E-Mail senden. Er zeigt Ihre Bestellung und gilt 24 Stunden.
help-step-3 = Wählen Sie Artikel, Menge und Grund. Fotos helfen uns, wenn etwas beschädigt oder falsch ist.
help-step-4 = Sobald Ihre Rücksendung genehmigt ist, erhalten Sie eine Rücksendenummer (RMA) und die Rücksendeadresse. Schreiben Sie die RMA-Nummer auf das Paket und schicken Sie es ab.
help-step-5 = Tragen Sie Versanddienst und Sendungsnummer auf der Seite Ihrer Rücksendung ein, damit Sie sie verfolgen können.
help-step-6 = Wir prüfen die Artikel bei Eingang und erstatten Ihnen den Betrag. Jeden Schritt sehen Sie auf der Seite Ihrer Rücksendung.

## Start page: order number and e-mail
start-title = Artikel zurücksenden
start-intro = Geben Sie Ihre Bestellnummer und die E-Mail-Adresse Ihrer Bestellung ein. Wir senden Ihnen einen Link zu Ihrer Bestellung per E-Mail.
start-order-number = Bestellnummer
start-order-number-hint = Sie finden sie in Ihrer Bestellbestätigung.
start-email = E-Mail-Adresse
start-submit = Link zusenden
start-policy = Zuerst die Rückgabebedingungen lesen
link-sent-title = Sehen Sie in Ihr Postfach
link-sent-body = Wir haben einen Link zu Ihrer Bestellung an die eingegebene E-Mail-Adresse gesendet. Er gilt 24 Stunden.
link-sent-spam = Nach ein paar Minuten nichts angekommen? Sehen Sie im Spam-Ordner nach oder fordern Sie einen neuen Link an.

## Order page
order-title = Bestellung { $number }
order-placed = Bestellt am { $date }
order-hello = Hallo { $name },
order-items = Ihre Artikel
order-bought = Gekauft: { $quantity }
order-unit-price = Preis: { $price }
order-left = Noch rückgabefähig: { $quantity }
order-not-returnable = Dieser Artikel ist nach den Bedingungen des Shops von der Rückgabe ausgeschlossen.
order-all-in-returns = Alle Stück dieses Artikels sind bereits in einer Rücksendung.
order-window-closed = Die Rückgabefrist ist abgelaufen.
order-window-until = Sie können bis zum { $date } eine Rücksendung anfragen.
order-window-passed = Die Rückgabefrist ist am { $date } abgelaufen. Wenden Sie sich an den Kundenservice, wenn Sie Hilfe brauchen.
order-nothing-to-return = Aus dieser Bestellung kann nichts mehr zurückgesendet werden.
order-your-returns = Ihre Rücksendungen
order-return-opened = Angefragt am { $date }
order-return-view = Rücksendung ansehen

## Return request form
request-title = Rücksendung anfragen
request-intro = Wählen Sie, wie viele Stück jedes Artikels Sie zurücksenden möchten und warum.
request-quantity = Menge zur Rücksendung
request-reason = Grund
request-reason-choose = Grund auswählen
request-comment = Kommentar (optional)
request-comment-hint = Beschreiben Sie kurz, was passiert ist.
request-photos = Fotos (optional)
request-photos-hint = Bis zu 5 Fotos (JPEG, PNG, GIF oder WebP) mit je 5 MB. Sie helfen, wenn ein Artikel beschädigt oder falsch ist.
request-photos-again = Falls Sie Fotos gewählt hatten, wählen Sie sie bitte erneut aus.
request-method = Wie möchten Sie Ihr Geld zurückerhalten?
request-method-original = Auf meine ursprüngliche Zahlungsart
request-method-credit = Als Shop-Guthaben
request-submit = Rücksendung anfragen
request-problem = Bitte prüfen Sie Ihre Rücksendeanfrage:

## Mistakes in a return request
mistake-no-lines = Wählen Sie mindestens einen Artikel zur Rücksendung (eine Menge über 0).
mistake-bad-quantity = Die Menge muss eine ganze Zahl sein.
mistake-missing-reason = Wählen Sie einen Grund für „{ $item }“.
mistake-bad-reason = Wählen Sie einen Grund aus der Liste für „{ $item }“.
mistake-unknown-line = Einer der gewählten Artikel gehört nicht zu dieser Bestellung.
mistake-duplicate-line = Ein Artikel wurde doppelt angegeben.
mistake-not-returnable = „{ $item }“ ist nach den Bedingungen des Shops von der Rückgabe ausgeschlossen.
mistake-quantity-too-high = Sie möchten { $asked } × „{ $item }“ zurücksenden, es können aber nur noch { $left } zurückgesendet werden.
mistake-outside-window = Die Rückgabefrist von { $window } Tagen nach der Lieferung ist abgelaufen.
mistake-too-many-photos = Sie können höchstens 5 Fotos anhängen.
mistake-photo-too-large = Jedes Foto darf höchstens 5 MB groß sein.
mistake-not-an-image = Es können nur Fotos angehängt werden (JPEG, PNG, GIF oder WebP).
mistake-no-photos = Wählen Sie mindestens ein Foto aus.
mistake-tracking = Geben Sie Versanddienst und Sendungsnummer ein (bis zu 128 Zeichen).
mistake-confirm-withdraw = Setzen Sie das Häkchen, um zu bestätigen, dass Sie diese Rücksendung zurückziehen möchten.
mistake-comment-too-long = Der Kommentar darf höchstens 2000 Zeichen lang sein.

## Return status page
return-title = Ihre Rücksendung
return-title-rma = Rücksendung { $rma }
return-of-order = Zur Bestellung { $number }, angefragt am { $date }
return-back = Zurück zu Ihrer Bestellung
return-progress = Fortschritt
step-requested = Angefragt
step-authorized = Genehmigt
step-in-transit = Unterwegs
step-received = Eingegangen
step-refunded = Erstattet
return-status = Status
return-items = Artikel
return-item-line = { $quantity } × { $item } — { $reason }
return-photos-count = Angehängte Fotos: { $count }
return-rma = Ihre Rücksendenummer (RMA)
return-instructions = So senden Sie die Artikel zurück
return-instruction-pack = Verpacken Sie die Artikel sicher und mit allem, was dazugehörte.
return-instruction-label = Schreiben Sie die Rücksendenummer { $rma } gut lesbar auf das Paket.
return-instruction-address = Senden Sie das Paket an:
return-shipping-free = Der Rückversand ist für Sie kostenlos: Der Shop übernimmt die Kosten.
return-shipping-buyer = Die Kosten des Rückversands tragen Sie; { $amount } werden von Ihrer Erstattung abgezogen.
return-keep-goods = Sie müssen nichts zurücksenden: Behalten Sie die Artikel.
return-rejected = Der Shop hat diese Rücksendung nicht genehmigt.
return-rejection-reason = Begründung des Shops:
return-closed = Diese Rücksendung ist abgeschlossen.
return-waiting = Der Shop prüft Ihre Anfrage. Wir schreiben Ihnen, sobald entschieden ist.
return-photos-needed = Der Shop braucht Fotos der Artikel, um zu entscheiden. Bitte fügen Sie sie unten hinzu.
return-received-note = Der Shop hat Ihr Paket erhalten und prüft die Artikel.
return-refund = Ihre Erstattung
return-refund-line = { $amount } — { $method }
return-refund-pending = Unterwegs
return-refund-done = Erstattet am { $date }
return-refund-failed = Verzögert: Der Shop kümmert sich darum
return-refund-timing-original = Eine Erstattung auf Karte oder PayPal erscheint meist innerhalb von 5 bis 10 Werktagen.
return-refund-timing-credit = Das Shop-Guthaben steht sofort zur Verfügung.
return-timeline = Verlauf
tracking-title = Sendungsverfolgung eintragen
tracking-intro = Paket schon verschickt? Nennen Sie uns Versanddienst und Sendungsnummer.
tracking-current = Sendung: { $carrier } { $tracking }
tracking-carrier = Versanddienst
tracking-carrier-hint = Zum Beispiel DHL, Hermes, UPS.
tracking-number = Sendungsnummer
tracking-submit = Sendungsnummer speichern
photos-title = Fotos hinzufügen
photos-submit = Fotos senden
withdraw-title = Rücksendung zurückziehen
withdraw-intro = Haben Sie es sich anders überlegt? Sie können diese Rücksendung zurückziehen, solange Sie das Paket noch nicht verschickt haben.
withdraw-confirm = Ja, ich möchte diese Rücksendung zurückziehen
withdraw-submit = Rücksendung zurückziehen
saved-tracking = Danke, wir haben Ihre Sendungsnummer gespeichert.
saved-photos = Danke, wir haben Ihre Fotos erhalten.
saved-withdrawn = Ihre Rücksendung wurde zurückgezogen.
saved-requested = Danke, wir haben Ihre Rücksendeanfrage erhalten.

## Statuses
status-requested = Angefragt
status-photos_requested = Fotos benötigt
status-authorized = Genehmigt
status-in_transit = Auf dem Weg zum Shop
status-received = Eingegangen
status-inspected = Geprüft
status-refunding = Erstattung unterwegs
status-refunded = Erstattet
status-rejected = Nicht genehmigt
status-closed = Abgeschlossen

## Reasons
reason-damaged = Beschädigt angekommen
reason-defective = Defekt oder funktioniert nicht
reason-wrong_item = Falscher Artikel geliefert
reason-not_as_described = Nicht wie beschrieben
reason-too_small = Zu klein
reason-too_large = Zu groß
reason-changed_mind = Gefällt mir nicht mehr
reason-arrived_late = Zu spät angekommen
reason-other = Anderer Grund

## Refund methods
refund-method-original_payment = Ursprüngliche Zahlungsart
refund-method-store_credit = Shop-Guthaben
refund-method-manual = Direkt vom Shop erstattet

## Timeline
event-return-requested = Sie haben die Rücksendung angefragt
event-return-photos_requested = Der Shop hat Fotos angefordert
event-return-photos_added = Fotos hinzugefügt
event-return-authorized = Rücksendung genehmigt
event-return-rejected = Rücksendung nicht genehmigt
event-return-in_transit = Paket auf dem Weg zum Shop
event-return-received = Paket beim Shop eingegangen
event-return-inspected = Artikel geprüft
event-return-closed = Rücksendung abgeschlossen
event-return-withdrawn = Rücksendung zurückgezogen
event-return-refunded = Erstattung veranlasst
event-refund-created = Erstattung gestartet
event-refund-succeeded = Erstattung abgeschlossen
event-refund-failed = Erstattung verzögert
event-other = Rücksendung aktualisiert
