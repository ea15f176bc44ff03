## E-Mails an Käufer und an das Team des Shops. Variablen: $shop (Name des
## Shops), $order (Bestellnummer), $rma (Retourennummer), $amount ("24.50 EUR").

## Gemeinsam für alle E-Mails
mail-greeting = Guten Tag,
mail-signoff = Mit freundlichen Grüßen
mail-signature = Ihr Team von { $shop }
mail-support-heading = Fragen? Der Kundenservice von { $shop } hilft Ihnen gerne
mail-support-email = E-Mail
mail-support-phone = Telefon
mail-support-hours = Erreichbarkeit
mail-support-web = Hilfe-Center
mail-footer-buyer = Sie erhalten diese E-Mail zu Ihrer Bestellung { $order } bei { $shop }.
mail-footer-buyer-shop = Sie erhalten diese E-Mail zu Ihrem Einkauf bei { $shop }.
mail-action-return-page = Ihre Retoure öffnen
mail-fact-order = Bestellung
mail-fact-rma = Retourennummer (RMA)
mail-fact-items = Artikel
mail-fact-amount = Betrag
mail-fact-reason = Begründung
mail-fact-method = Erstattet auf
mail-fact-timing = Wann Sie es sehen
mail-fact-credit-note = Gutschrift
mail-fact-address = Paket senden an
mail-fact-shipping = Rücksendekosten
mail-fact-expires = Link gültig bis
mail-fact-carrier = Versanddienstleister
mail-fact-tracking = Sendungsnummer
mail-fact-failure = Antwort des Zahlungsanbieters
mail-fact-event = Ereignis

## return.requested
mail-return-requested-subject = Wir haben Ihre Retourenanfrage zur Bestellung { $order } erhalten
mail-return-requested-intro = Vielen Dank: { $shop } hat Ihre Anfrage erhalten, Artikel aus der Bestellung { $order } zurückzusenden.
mail-return-requested-next = Wir prüfen sie und schreiben Ihnen, sobald eine Entscheidung gefallen ist.

## return.photos_requested
mail-return-photos-requested-subject = Fotos für Ihre Retoure benötigt (Bestellung { $order })
mail-return-photos-requested-intro = Um über die Rücksendung der Artikel aus der Bestellung { $order } zu entscheiden, benötigt { $shop } einige Fotos.
mail-return-photos-requested-how = Bitte fotografieren Sie die Artikel, auch etwaige Schäden oder Mängel, und laden Sie die Fotos auf der Seite Ihrer Retoure hoch. Sobald sie vorliegen, geht es weiter.
mail-return-photos-requested-message = Nachricht von { $shop }: „{ $message }“

## return.authorized
mail-return-authorized-subject = Retoure { $rma } genehmigt: So senden Sie die Artikel zurück
mail-return-authorized-intro = Gute Nachricht: { $shop } hat die Rücksendung von Artikeln aus Ihrer Bestellung { $order } genehmigt. Ihre Retourennummer (RMA) lautet { $rma }.
mail-return-authorized-steps = So senden Sie Ihre Artikel zurück
mail-return-authorized-step-pack = Verpacken Sie die Artikel sicher, nach Möglichkeit in der Originalverpackung.
mail-return-authorized-step-mark = Schreiben Sie die Retourennummer { $rma } gut lesbar auf das Paket oder legen Sie einen Zettel damit hinein.
mail-return-authorized-step-send = Senden Sie das Paket an die unten stehende Adresse und bewahren Sie den Einlieferungsbeleg auf.
mail-return-authorized-step-track = Sobald das Paket unterwegs ist, tragen Sie Versanddienstleister und Sendungsnummer auf der Seite Ihrer Retoure ein.
mail-return-authorized-window = Bitte senden Sie das Paket bald ab: Rücksendungen werden bis { $days } Tage nach der Zustellung angenommen.
mail-return-shipping-free = Kostenlos für Sie: { $shop } übernimmt die Rücksendekosten.
mail-return-shipping-buyer = Zu Ihren Lasten.
mail-return-shipping-buyer-cost = Zu Ihren Lasten: { $cost } werden von Ihrer Erstattung abgezogen, es sei denn, der Artikel kam beschädigt, defekt, falsch oder nicht wie beschrieben an.

## return.rejected
mail-return-rejected-subject = Ihre Retourenanfrage zur Bestellung { $order } wurde nicht angenommen
mail-return-rejected-intro = Es tut uns leid: { $shop } konnte Ihre Retourenanfrage zur Bestellung { $order } nicht annehmen.
mail-return-rejected-help = Wenn Sie glauben, dass es sich um einen Irrtum handelt, oder wenn Sie Fragen haben, wenden Sie sich bitte über die unten stehenden Kontaktdaten an den Kundenservice.

## return.received
mail-return-received-subject = Ihre Rücksendung ist bei uns eingegangen ({ $rma })
mail-return-received-intro = { $shop } hat Ihr Paket zur Retoure { $rma } (Bestellung { $order }) erhalten.
mail-return-received-next = Die Artikel werden jetzt geprüft. Wir schreiben Ihnen, sobald Ihre Erstattung veranlasst ist.

## refund.succeeded
mail-refund-succeeded-subject = Ihre Erstattung über { $amount } wurde veranlasst
mail-refund-succeeded-intro = { $shop } hat Ihnen { $amount } für Ihre Bestellung { $order } erstattet.
mail-refund-method-card = Die Karte, mit der Sie bezahlt haben
mail-refund-method-paypal = Ihr PayPal-Konto
mail-refund-method-bnpl = Ihr Konto beim Ratenkauf- bzw. Rechnungsanbieter
mail-refund-method-bank = Das Bankkonto, von dem Sie bezahlt haben
mail-refund-method-original = Ihre ursprüngliche Zahlungsart
mail-refund-method-store-credit = Guthaben bei { $shop }
mail-refund-method-manual = Wie mit { $shop } vereinbart
mail-refund-timing-card = Kartenerstattungen erscheinen je nach Bank meist innerhalb von 5–10 Werktagen auf Ihrer Abrechnung.
mail-refund-timing-paypal = PayPal-Erstattungen gehen meist innerhalb von 3–5 Werktagen auf Ihrem Konto ein.
mail-refund-timing-bnpl = Ihr Anbieter passt Ihren offenen Betrag oder Ihre Raten an, meist innerhalb von 5 Werktagen.
mail-refund-timing-bank = Überweisungen gehen meist innerhalb von 3–5 Werktagen ein.
mail-refund-timing-original = Meist innerhalb von 5–10 Werktagen, je nach Zahlungsanbieter.
mail-refund-timing-store-credit = Sofort: Das Guthaben steht Ihnen für Ihren nächsten Einkauf zur Verfügung.
mail-refund-timing-manual = Wie mit { $shop } vereinbart. Falls Sie noch nichts gehört haben, wenden Sie sich bitte an den Kundenservice.

## buyer.link_requested
mail-buyer-link-subject = Ihr Link zu Bestellung und Retouren bei { $shop }
mail-buyer-link-intro = Sie möchten Ihre Bestellung { $order } und die zugehörigen Retouren bei { $shop } ansehen. Über die Schaltfläche unten gelangen Sie dorthin.
mail-buyer-link-action = Meine Bestellung öffnen
mail-buyer-link-private = Der Link ist bis { $expires } gültig und nur für Sie bestimmt: Bitte leiten Sie diese E-Mail nicht weiter.
mail-buyer-link-ignore = Falls Sie diesen Link nicht angefordert haben, können Sie diese E-Mail ignorieren.

## staff.notification
mail-staff-greeting = Hallo Team von { $shop },
mail-staff-subject-return-requested = Neue Retourenanfrage zur Bestellung { $order }
mail-staff-intro-return-requested = Ein Käufer möchte Artikel aus der Bestellung { $order } zurücksenden.
mail-staff-subject-return-in-transit = Retoure { $rma } ist unterwegs (Bestellung { $order })
mail-staff-intro-return-in-transit = Der Käufer hat die Retoure { $rma } zur Bestellung { $order } abgeschickt.
mail-staff-subject-refund-failed = Erstattung für Bestellung { $order } fehlgeschlagen
mail-staff-intro-refund-failed = Der Zahlungsanbieter hat die Erstattung über { $amount } für die Bestellung { $order } abgelehnt. Der Betrag kann erneut erstattet werden: Bitte versuchen Sie es noch einmal oder erstatten Sie auf anderem Weg.
mail-staff-subject-refund-reversed = Eine Erstattung für Bestellung { $order } wurde vom Zahlungsanbieter zurückgenommen
mail-staff-intro-refund-reversed = Die Erstattung über { $amount } für die Bestellung { $order } war ausgeführt, und der Zahlungsanbieter hat sie nun rückgängig gemacht: Der Käufer hat das Geld nicht erhalten. Der Betrag steht dem Käufer wieder zu: Bitte erstatten Sie ihn erneut oder auf anderem Weg.
mail-staff-subject-refund-imported = Eine beim Zahlungsanbieter ausgeführte Erstattung für Bestellung { $order } wurde übernommen
mail-staff-intro-refund-imported = Der Abgleich hat eine Erstattung über { $amount } für die Bestellung { $order } gefunden, die direkt beim Zahlungsanbieter ausgeführt wurde (zum Beispiel in seinem Dashboard). Reso hat sie bei der Bestellung erfasst, damit die Beträge übereinstimmen.
mail-staff-subject-other = Bestellung { $order }: { $kind }
mail-staff-intro-other = Reso hat „{ $kind }“ für die Bestellung { $order } erfasst.
mail-staff-action = Im Kontrollzentrum öffnen
mail-staff-footer = Sie erhalten diese E-Mail, weil diese Adresse in den Benachrichtigungseinstellungen von { $shop } in Reso eingetragen ist.

## Käuferschutz. Variablen: $deadline (Datum und Uhrzeit), $ends (Ende des
## Schutzes), $rdays (Tage für die Reaktion), $message.
mail-claim-action-order = Meine Bestellung öffnen
mail-fact-protection-until = Geschützt bis
mail-fact-claim-kind = Reklamation
mail-fact-answer-by = Antwort fällig bis
mail-fact-react-by = Bitte antworten bis
mail-fact-buyer-text = Beschreibung des Käufers
mail-fact-message = Nachricht
mail-fact-send-by = Senden bis
mail-claim-kind-not-received = Bestellung nicht erhalten
mail-claim-kind-refund-not-received = Erstattung nach einer Rücksendung nicht erhalten
mail-claim-kind-other-problem = Ein anderes Problem
mail-claim-escalation-merchant-silent = Grund: { $shop } hat nicht innerhalb der Frist geantwortet.
mail-claim-escalation-buyer-not-received = Grund: Die Erstattung wurde als nicht erhalten gemeldet.
mail-claim-escalation-buyer-disagrees = Grund: Die Antwort von { $shop } wurde nicht akzeptiert.
mail-claim-escalation-merchant-insolvent = Grund: { $shop } wurde für zahlungsunfähig erklärt; Erstattungen können aus der Garantie des Käuferschutzes gezahlt werden.
mail-claim-escalation-other-problem = Grund: Das gemeldete Problem geht direkt an das Schlichtungsteam.
mail-claim-escalation-documents-missed = Grund: Die vom Schlichtungsteam angeforderten Unterlagen wurden nicht rechtzeitig gesendet.
mail-claim-decided-none = Das Schlichtungsteam hat entschieden, dass keine Erstattung fällig ist.
mail-claim-decided-merchant = Das Schlichtungsteam hat eine Erstattung von { $amount } entschieden, die { $shop } auf das ursprüngliche Zahlungsmittel zahlt.
mail-claim-decided-guarantee = Das Schlichtungsteam hat eine Erstattung von { $amount } entschieden, die aus der Garantie des Käuferschutzes gezahlt wird.

## protection.reminder (Tag 23)
mail-protection-reminder-subject = Ist mit Ihrer Bestellung { $order } alles gut gegangen?
mail-protection-reminder-intro = Ihre Bestellung { $order } bei { $shop } ist bis { $ends } durch den Käuferschutz abgesichert.
mail-protection-reminder-fine = Wenn alles gut gegangen ist, müssen Sie nichts tun. Sie können es uns auch auf der Seite Ihrer Bestellung mitteilen; damit endet der Schutz.
mail-protection-reminder-problem = Wenn etwas schiefgegangen ist (die Bestellung ist nicht angekommen, die Erstattung nach einer Rücksendung hat Sie nicht erreicht, oder ein anderes Problem), öffnen Sie die Seite Ihrer Bestellung und melden Sie es, bevor der Schutz endet.

## claim.opened
mail-claim-opened-subject = Wir haben Ihre Reklamation zur Bestellung { $order } erhalten
mail-claim-opened-intro = Ihre Reklamation zur Bestellung { $order } bei { $shop } wurde erfasst.
mail-claim-opened-next = { $shop } hat bis { $deadline } Zeit zu antworten. Ohne rechtzeitige Antwort geht die Reklamation automatisch an das Schlichtungsteam.
mail-claim-opened-mediation = Sie geht direkt an das Schlichtungsteam, das sie prüft und Ihnen schreibt.

## claim.answered
mail-claim-answered-subject = { $shop } hat auf Ihre Reklamation zur Bestellung { $order } geantwortet
mail-claim-answered-yes = { $shop } hat { $amount } erstattet.
mail-claim-answered-yes-after-return = { $shop } erstattet { $amount }, sobald die Ware zurück ist.
mail-claim-answered-no = { $shop } hat entschieden, diese Bestellung nicht zu erstatten.
mail-claim-answered-message = Nachricht von { $shop }: „{ $message }“
mail-claim-react-full-refund = Bitte teilen Sie uns innerhalb von { $rdays } Tagen auf der Seite Ihrer Bestellung mit, ob Sie die Erstattung erhalten haben.
mail-claim-react-partial-refund = Bitte teilen Sie uns innerhalb von { $rdays } Tagen auf der Seite Ihrer Bestellung mit, ob Sie die Erstattung erhalten haben oder mit dem Betrag nicht einverstanden sind.
mail-claim-react-no-refund = Bitte teilen Sie uns innerhalb von { $rdays } Tagen auf der Seite Ihrer Bestellung mit, ob Sie diese Antwort annehmen oder nicht einverstanden sind.
mail-claim-answered-silence = Wenn wir bis { $deadline } nichts von Ihnen hören, wird die Reklamation gemäß der Antwort von { $shop } geschlossen.

## claim.escalated
mail-claim-escalated-subject = Ihre Reklamation zur Bestellung { $order } ist beim Schlichtungsteam
mail-claim-escalated-next = Das Schlichtungsteam prüft, was Sie und { $shop } gesendet haben, und entscheidet. Wir schreiben Ihnen per E-Mail.

## claim.decided
mail-claim-decided-subject = Entscheidung über Ihre Reklamation zur Bestellung { $order }
mail-claim-decided-message = Die Begründung des Schlichtungsteams: „{ $message }“

## claim.closed
mail-claim-closed-subject = Ihre Reklamation zur Bestellung { $order } ist abgeschlossen
mail-claim-closed-received = Vielen Dank für Ihre Bestätigung, dass Sie die Erstattung erhalten haben.
mail-claim-closed-concluded = Vielen Dank: Sie haben die Antwort von { $shop } angenommen.
mail-claim-closed-silence = Wir haben innerhalb von { $rdays } Tagen nach der Antwort von { $shop } nichts von Ihnen gehört; die Reklamation wurde daher gemäß der Antwort von { $shop } geschlossen.
mail-claim-closed-final = Ihre Reklamation ist nun abgeschlossen.

## staff.notification zu Reklamationen
mail-staff-subject-claim-opened = Neue Käuferschutz-Reklamation zur Bestellung { $order }
mail-staff-intro-claim-opened = Ein Käufer hat eine Reklamation zur Bestellung { $order } eröffnet. Bitte antworten Sie bis { $deadline }: ohne Antwort geht die Reklamation an das Schlichtungsteam.
mail-staff-intro-claim-opened-mediation = Ein Käufer hat ein Problem mit der Bestellung { $order } gemeldet. Es ist direkt an das Schlichtungsteam gegangen, das Sie um Unterlagen bitten kann.
mail-staff-subject-claim-escalated = Die Reklamation zur Bestellung { $order } ist beim Schlichtungsteam
mail-staff-intro-claim-escalated = Die Reklamation zur Bestellung { $order } liegt jetzt beim Schlichtungsteam.
mail-staff-subject-claim-documents-requested = Unterlagen für die Reklamation zur Bestellung { $order } benötigt
mail-staff-intro-claim-documents-requested = Das Schlichtungsteam bittet Sie um Unterlagen zur Reklamation für die Bestellung { $order }. Bitte senden Sie sie bis { $deadline } über die Seite der Reklamation; danach entscheidet das Team mit dem, was vorliegt.
mail-staff-subject-claim-decided = Schlichtungsentscheidung zur Reklamation für die Bestellung { $order }
mail-staff-intro-claim-decided = Das Schlichtungsteam hat über die Reklamation zur Bestellung { $order } entschieden.
mail-staff-subject-claim-closed = Die Reklamation zur Bestellung { $order } ist abgeschlossen
mail-staff-intro-claim-closed = Die Reklamation zur Bestellung { $order } ist abgeschlossen.
mail-staff-action-claim = Reklamation öffnen

## message.posted
mail-message-posted-subject = Neue Nachricht zu Ihrer Bestellung { $order }
mail-message-posted-from-shop = { $shop } hat Ihnen zu Ihrer Bestellung { $order } geschrieben:
mail-message-posted-from-mediator = Das Schlichtungsteam hat Ihnen zu Ihrer Bestellung { $order } geschrieben:
mail-message-posted-body = „{ $message }“
mail-message-posted-reply = Um zu antworten, öffnen Sie die Seite Ihrer Bestellung.
mail-staff-subject-message-posted = Neue Nachricht zur Bestellung { $order }
mail-staff-intro-message-posted-buyer = Der Käufer hat zur Bestellung { $order } geschrieben:
mail-staff-intro-message-posted-mediator = Das Schlichtungsteam hat zur Bestellung { $order } geschrieben:

# Streitfälle beim Zahlungsanbieter (Rückbuchungen, Reklamationen).
mail-claim-kind-chargeback = Rückbuchung über die Bank
mail-claim-kind-provider-claim = Reklamation beim Zahlungsanbieter
mail-staff-subject-claim-dispute-opened = Zahlungsstreitfall zu Bestellung { $order }: Antwort bis { $deadline }
mail-staff-intro-claim-dispute-opened = Der Zahlungsanbieter meldet einen Streitfall zu Bestellung { $order }. Akzeptieren Sie ihn oder senden Sie Ihre Nachweise über die Fallseite vor der Frist des Anbieters; ohne Antwort entscheidet der Anbieter meist für den Käufer.
mail-staff-subject-claim-dispute-answer-refused = Der Zahlungsanbieter hat Ihre Antwort zu Bestellung { $order } nicht angenommen
mail-staff-intro-claim-dispute-answer-refused = Der Zahlungsanbieter hat Ihre Antwort auf den Streitfall zu Bestellung { $order } abgelehnt. Den Grund finden Sie auf der Fallseite; antworten Sie erneut, sofern die Frist es erlaubt.
mail-staff-subject-claim-dispute-unanswered = Die Antwortfrist für den Streitfall zu Bestellung { $order } ist abgelaufen
mail-staff-intro-claim-dispute-unanswered = Die Frist des Zahlungsanbieters für den Streitfall zu Bestellung { $order } ist ohne Antwort abgelaufen. Der Anbieter entscheidet nun.
mail-staff-subject-claim-dispute-decided = Der Zahlungsanbieter hat den Streitfall zu Bestellung { $order } entschieden
mail-staff-intro-claim-dispute-decided-won = Der Zahlungsanbieter hat den Streitfall zu Bestellung { $order } zu Ihren Gunsten entschieden.
mail-staff-intro-claim-dispute-decided-lost = Der Zahlungsanbieter hat den Streitfall zu Bestellung { $order } zugunsten des Käufers entschieden: Der Käufer behält das Geld.

## Qualitätswarnungen (an das Team)
mail-staff-subject-quality-alert = Retourenquote der SKU { $sku } aus Qualitätsgründen: { $rate }
mail-staff-intro-quality-alert = { $returned } der { $sold } in den letzten { $window } Tagen verkauften Einheiten der SKU { $sku } kamen beschädigt, defekt oder nicht wie beschrieben zurück: { $rate }, auf oder über Ihrer Schwelle von { $threshold }.
mail-staff-quality-alert-next = Bitte prüfen Sie Produkt, Beschreibung und Verpackung, bevor weitere Einheiten versandt werden. Unten stehen die neuesten Kommentare der Käufer; die Seite der Warnung zeigt alle.
mail-quality-alert-rate = { $rate } ({ $returned } von { $sold } verkauften)
mail-fact-sku = SKU
mail-fact-product = Produkt
mail-fact-return-rate = Retourenquote
mail-fact-quality-reasons = Gründe
mail-fact-buyer-comments = Kommentare der Käufer
mail-quality-reason-damaged = Beschädigt
mail-quality-reason-defective = Defekt
mail-quality-reason-not-as-described = Nicht wie beschrieben
mail-staff-action-quality-alert = Qualitätswarnung öffnen
