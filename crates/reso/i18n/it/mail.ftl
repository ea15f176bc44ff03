## E-mail agli acquirenti e allo staff del negozio. Variabili: $shop (nome del
## negozio), $order (numero d'ordine), $rma (numero di reso), $amount ("24.50 EUR").

## Comuni a tutte le e-mail
mail-greeting = Buongiorno,
mail-signoff = Cordiali saluti,
mail-signature = Il team di { $shop }
mail-support-heading = Domande? Il servizio clienti di { $shop } è a tua disposizione
mail-support-email = E-mail
mail-support-phone = Telefono
mail-support-hours = Orari
mail-support-web = Centro assistenza
mail-footer-buyer = Ricevi questa e-mail in merito al tuo ordine { $order } presso { $shop }.
mail-footer-buyer-shop = Ricevi questa e-mail in merito al tuo acquisto presso { $shop }.
mail-action-return-page = Apri la pagina del tuo reso
mail-fact-order = Ordine
mail-fact-rma = Numero di reso (RMA)
mail-fact-items = Articoli
mail-fact-amount = Importo
mail-fact-reason = Motivo
mail-fact-method = Rimborsato su
mail-fact-timing = Quando lo vedrai
mail-fact-credit-note = Nota di credito
mail-fact-address = Spedisci il pacco a
mail-fact-shipping = Spedizione del reso
mail-fact-expires = Link valido fino al
mail-fact-carrier = Corriere
mail-fact-tracking = Numero di tracking
mail-fact-failure = Risposta del gestore dei pagamenti
mail-fact-event = Evento

## return.requested
mail-return-requested-subject = Abbiamo ricevuto la tua richiesta di reso per l'ordine { $order }
mail-return-requested-intro = Grazie: { $shop } ha ricevuto la tua richiesta di restituire articoli dell'ordine { $order }.
mail-return-requested-next = La esamineremo e ti scriveremo appena avremo preso una decisione.

## return.photos_requested
mail-return-photos-requested-subject = Servono alcune foto per il tuo reso (ordine { $order })
mail-return-photos-requested-intro = Per decidere sul reso degli articoli dell'ordine { $order }, { $shop } ha bisogno di alcune foto.
mail-return-photos-requested-how = Fotografa gli articoli, compresi eventuali danni o difetti, e aggiungi le foto nella pagina del tuo reso. Proseguiremo non appena le avremo ricevute.
mail-return-photos-requested-message = Messaggio di { $shop }: «{ $message }»

## return.authorized
mail-return-authorized-subject = Reso { $rma } autorizzato: come rispedire gli articoli
mail-return-authorized-intro = Buone notizie: { $shop } ha autorizzato il reso degli articoli dell'ordine { $order }. Il tuo numero di reso (RMA) è { $rma }.
mail-return-authorized-steps = Come effettuare il reso
mail-return-authorized-step-pack = Imballa bene gli articoli, se possibile nella confezione originale.
mail-return-authorized-step-mark = Scrivi in modo ben leggibile il numero di reso { $rma } sul pacco, oppure inserisci all'interno un biglietto che lo riporti.
mail-return-authorized-step-send = Spedisci il pacco all'indirizzo qui sotto e conserva la ricevuta di spedizione.
mail-return-authorized-step-track = Una volta spedito, inserisci il corriere e il numero di tracking nella pagina del tuo reso.
mail-return-authorized-window = Ti chiediamo di spedire il pacco al più presto: i resi sono accettati entro { $days } giorni dalla consegna.
mail-return-shipping-free = Gratuita per te: le spese di spedizione del reso sono a carico di { $shop }.
mail-return-shipping-buyer = A tuo carico.
mail-return-shipping-buyer-cost = A tuo carico: { $cost } verranno detratti dal rimborso, a meno che l'articolo non sia arrivato danneggiato, difettoso, sbagliato o non conforme alla descrizione.

## return.rejected
mail-return-rejected-subject = La tua richiesta di reso per l'ordine { $order } non è stata accettata
mail-return-rejected-intro = Ci dispiace: { $shop } non ha potuto accettare la tua richiesta di reso per l'ordine { $order }.
mail-return-rejected-help = Se pensi che si tratti di un errore, o per qualsiasi domanda, contatta il servizio clienti ai recapiti qui sotto.

## return.received
mail-return-received-subject = Abbiamo ricevuto gli articoli del reso { $rma }
mail-return-received-intro = { $shop } ha ricevuto il tuo pacco per il reso { $rma } (ordine { $order }).
mail-return-received-next = Ora controlleremo gli articoli e ti scriveremo non appena il rimborso sarà stato emesso.

## refund.succeeded
mail-refund-succeeded-subject = Il tuo rimborso di { $amount } è stato emesso
mail-refund-succeeded-intro = { $shop } ti ha rimborsato { $amount } per l'ordine { $order }.
mail-refund-method-card = La carta con cui hai pagato
mail-refund-method-paypal = Il tuo conto PayPal
mail-refund-method-bnpl = Il tuo conto di pagamento rateale
mail-refund-method-bank = Il conto bancario da cui hai pagato
mail-refund-method-original = Il metodo di pagamento originale
mail-refund-method-store-credit = Credito da spendere presso { $shop }
mail-refund-method-manual = Secondo quanto concordato con { $shop }
mail-refund-timing-card = I rimborsi su carta compaiono di solito nell'estratto conto entro 5-10 giorni lavorativi, a seconda della banca.
mail-refund-timing-paypal = I rimborsi PayPal arrivano di solito sul conto entro 3-5 giorni lavorativi.
mail-refund-timing-bnpl = Il tuo fornitore aggiornerà il saldo o le rate, di solito entro 5 giorni lavorativi.
mail-refund-timing-bank = I bonifici arrivano di solito entro 3-5 giorni lavorativi.
mail-refund-timing-original = Di solito entro 5-10 giorni lavorativi, a seconda del gestore del pagamento.
mail-refund-timing-store-credit = Subito: il credito è già disponibile per il tuo prossimo acquisto.
mail-refund-timing-manual = Secondo quanto concordato con { $shop }. Se non hai ancora ricevuto notizie, contatta il servizio clienti.

## buyer.link_requested
mail-buyer-link-subject = Il tuo link per ordine e resi presso { $shop }
mail-buyer-link-intro = Hai chiesto di vedere il tuo ordine { $order } e i relativi resi presso { $shop }. Usa il pulsante qui sotto per aprirli.
mail-buyer-link-action = Apri il mio ordine
mail-buyer-link-private = Il link è valido fino al { $expires } ed è solo per te: non inoltrare questa e-mail.
mail-buyer-link-ignore = Se non hai chiesto tu questo link, puoi ignorare questa e-mail.

## staff.notification
mail-staff-greeting = Buongiorno, team di { $shop },
mail-staff-subject-return-requested = Nuova richiesta di reso per l'ordine { $order }
mail-staff-intro-return-requested = Un acquirente ha chiesto di restituire articoli dell'ordine { $order }.
mail-staff-subject-return-in-transit = Il reso { $rma } è in viaggio (ordine { $order })
mail-staff-intro-return-in-transit = L'acquirente ha spedito il reso { $rma } dell'ordine { $order }.
mail-staff-subject-refund-failed = Rimborso non riuscito per l'ordine { $order }
mail-staff-intro-refund-failed = Il rimborso di { $amount } per l'ordine { $order } è stato rifiutato dal gestore dei pagamenti. L'importo è di nuovo rimborsabile: riprova oppure rimborsa in un altro modo.
mail-staff-subject-refund-reversed = Un rimborso per l'ordine { $order } è stato annullato dal gestore dei pagamenti
mail-staff-intro-refund-reversed = Il rimborso di { $amount } per l'ordine { $order } era andato a buon fine e il gestore dei pagamenti lo ha ora annullato: l'acquirente non ha ricevuto il denaro. L'importo è di nuovo dovuto all'acquirente: rimborsalo di nuovo, o in un altro modo.
mail-staff-subject-refund-imported = È stato importato un rimborso per l'ordine { $order } fatto presso il gestore dei pagamenti
mail-staff-intro-refund-imported = La riconciliazione ha trovato un rimborso di { $amount } per l'ordine { $order } fatto direttamente presso il gestore dei pagamenti (per esempio nella sua dashboard). Reso lo ha registrato sull'ordine perché gli importi coincidano.
mail-staff-subject-other = Ordine { $order }: { $kind }
mail-staff-intro-other = È stato registrato l'evento «{ $kind }» per l'ordine { $order }.
mail-staff-action = Apri nel pannello di controllo
mail-staff-footer = Ricevi questa e-mail perché questo indirizzo è tra quelli da avvisare nelle impostazioni di notifica di { $shop } in Reso.

## Protezione acquirenti. Variabili: $deadline (data e ora), $ends (fine della
## protezione), $rdays (giorni per rispondere), $message.
mail-claim-action-order = Apri il mio ordine
mail-fact-protection-until = Protetto fino al
mail-fact-claim-kind = Reclamo
mail-fact-answer-by = Risposta entro
mail-fact-react-by = Rispondi entro
mail-fact-buyer-text = Descrizione dell'acquirente
mail-fact-message = Messaggio
mail-fact-send-by = Da inviare entro
mail-claim-kind-not-received = Ordine non ricevuto
mail-claim-kind-refund-not-received = Rimborso non ricevuto dopo un reso
mail-claim-kind-other-problem = Un altro problema
mail-claim-escalation-merchant-silent = Motivo: { $shop } non ha risposto entro il termine.
mail-claim-escalation-buyer-not-received = Motivo: il rimborso risulta non ricevuto.
mail-claim-escalation-buyer-disagrees = Motivo: la risposta di { $shop } non è stata accettata.
mail-claim-escalation-merchant-insolvent = Motivo: { $shop } è stato dichiarato insolvente; i rimborsi possono essere pagati dalla garanzia della protezione acquirenti.
mail-claim-escalation-other-problem = Motivo: il problema segnalato va direttamente al team di mediazione.
mail-claim-escalation-documents-missed = Motivo: i documenti richiesti dal team di mediazione non sono stati inviati in tempo.
mail-claim-decided-none = Il team di mediazione ha deciso che non è dovuto alcun rimborso.
mail-claim-decided-merchant = Il team di mediazione ha deciso un rimborso di { $amount }, pagato da { $shop } sul metodo di pagamento originale.
mail-claim-decided-guarantee = Il team di mediazione ha deciso un rimborso di { $amount }, pagato dalla garanzia della protezione acquirenti.

## protection.reminder (giorno 23)
mail-protection-reminder-subject = È andato tutto bene con il tuo ordine { $order }?
mail-protection-reminder-intro = Il tuo ordine { $order } presso { $shop } è coperto dalla protezione acquirenti fino al { $ends }.
mail-protection-reminder-fine = Se è andato tutto bene, non devi fare nulla. Puoi anche dircelo dalla pagina del tuo ordine, e la protezione si conclude.
mail-protection-reminder-problem = Se qualcosa è andato storto (l'ordine non è arrivato, il rimborso dopo un reso non ti è arrivato o un altro problema), apri la pagina del tuo ordine e segnalacelo prima che la protezione finisca.

## claim.opened
mail-claim-opened-subject = Abbiamo ricevuto il tuo reclamo sull'ordine { $order }
mail-claim-opened-intro = Il tuo reclamo sull'ordine { $order } presso { $shop } è stato registrato.
mail-claim-opened-next = { $shop } ha tempo fino al { $deadline } per rispondere. Se non risponde in tempo, il reclamo passa automaticamente al team di mediazione.
mail-claim-opened-mediation = Passa direttamente al team di mediazione, che lo esaminerà e ti scriverà.

## claim.answered
mail-claim-answered-subject = { $shop } ha risposto al tuo reclamo sull'ordine { $order }
mail-claim-answered-yes = { $shop } ha rimborsato { $amount }.
mail-claim-answered-yes-after-return = { $shop } rimborserà { $amount } quando la merce sarà tornata.
mail-claim-answered-no = { $shop } ha deciso di non rimborsare questo ordine.
mail-claim-answered-message = Messaggio di { $shop }: “{ $message }”
mail-claim-react-full-refund = Indica entro { $rdays } giorni dalla pagina del tuo ordine se hai ricevuto il rimborso.
mail-claim-react-partial-refund = Indica entro { $rdays } giorni dalla pagina del tuo ordine se hai ricevuto il rimborso, oppure se non sei d'accordo con l'importo.
mail-claim-react-no-refund = Indica entro { $rdays } giorni dalla pagina del tuo ordine se accetti questa risposta o non sei d'accordo.
mail-claim-answered-silence = Se non riceviamo notizie da te entro il { $deadline }, il reclamo viene chiuso secondo la risposta di { $shop }.

## claim.escalated
mail-claim-escalated-subject = Il tuo reclamo sull'ordine { $order } è passato al team di mediazione
mail-claim-escalated-next = Il team di mediazione esaminerà quanto inviato da te e da { $shop } e deciderà. Ti scriveremo per e-mail.

## claim.decided
mail-claim-decided-subject = Decisione sul tuo reclamo per l'ordine { $order }
mail-claim-decided-message = La spiegazione del team di mediazione: “{ $message }”

## claim.closed
mail-claim-closed-subject = Il tuo reclamo sull'ordine { $order } è chiuso
mail-claim-closed-received = Grazie per averci confermato di aver ricevuto il rimborso.
mail-claim-closed-concluded = Grazie: hai accettato la risposta di { $shop }.
mail-claim-closed-silence = Non abbiamo ricevuto notizie da te entro { $rdays } giorni dalla risposta di { $shop }, quindi il reclamo è stato chiuso secondo la risposta di { $shop }.
mail-claim-closed-final = Il tuo reclamo è ora chiuso.

## staff.notification sui reclami
mail-staff-subject-claim-opened = Nuovo reclamo di protezione acquirenti per l'ordine { $order }
mail-staff-intro-claim-opened = Un acquirente ha aperto un reclamo sull'ordine { $order }. Rispondi entro il { $deadline }: senza risposta, il reclamo passa al team di mediazione.
mail-staff-intro-claim-opened-mediation = Un acquirente ha segnalato un problema con l'ordine { $order }. È passato direttamente al team di mediazione, che potrebbe chiederti dei documenti.
mail-staff-subject-claim-escalated = Il reclamo sull'ordine { $order } è passato al team di mediazione
mail-staff-intro-claim-escalated = Il reclamo sull'ordine { $order } è ora in mano al team di mediazione.
mail-staff-subject-claim-documents-requested = Servono documenti per il reclamo sull'ordine { $order }
mail-staff-intro-claim-documents-requested = Il team di mediazione ti chiede dei documenti sul reclamo per l'ordine { $order }. Inviali dalla pagina del reclamo entro il { $deadline }; dopo, il team decide con quello che ha.
mail-staff-subject-claim-decided = Decisione di mediazione sul reclamo per l'ordine { $order }
mail-staff-intro-claim-decided = Il team di mediazione ha deciso il reclamo sull'ordine { $order }.
mail-staff-subject-claim-closed = Il reclamo sull'ordine { $order } è chiuso
mail-staff-intro-claim-closed = Il reclamo sull'ordine { $order } è chiuso.
mail-staff-action-claim = Apri il reclamo

## message.posted
mail-message-posted-subject = Nuovo messaggio sul tuo ordine { $order }
mail-message-posted-from-shop = { $shop } ti ha scritto a proposito del tuo ordine { $order }:
mail-message-posted-from-mediator = Il team di mediazione ti ha scritto a proposito del tuo ordine { $order }:
mail-message-posted-body = “{ $message }”
mail-message-posted-reply = Per rispondere, apri la pagina del tuo ordine.
mail-staff-subject-message-posted = Nuovo messaggio sull'ordine { $order }
mail-staff-intro-message-posted-buyer = L'acquirente ha scritto a proposito dell'ordine { $order }:
mail-staff-intro-message-posted-mediator = Il team di mediazione ha scritto a proposito dell'ordine { $order }:

# Contestazioni presso il fornitore di pagamento (chargeback, reclami).
mail-claim-kind-chargeback = Chargeback tramite la banca
mail-claim-kind-provider-claim = Reclamo presso il fornitore di pagamento
mail-staff-subject-claim-dispute-opened = Contestazione di pagamento sull'ordine { $order }: rispondi entro { $deadline }
mail-staff-intro-claim-dispute-opened = Il fornitore di pagamento segnala una contestazione sull'ordine { $order }. Accettala o invia le tue prove dalla pagina del reclamo prima della scadenza del fornitore; senza risposta, di solito il fornitore decide a favore dell'acquirente.
mail-staff-subject-claim-dispute-answer-refused = Il fornitore di pagamento non ha accettato la tua risposta sull'ordine { $order }
mail-staff-intro-claim-dispute-answer-refused = Il fornitore di pagamento ha rifiutato la tua risposta alla contestazione sull'ordine { $order }. Leggi il motivo nella pagina del reclamo e rispondi di nuovo se la scadenza lo consente.
mail-staff-subject-claim-dispute-unanswered = Il tempo per rispondere alla contestazione sull'ordine { $order } è scaduto
mail-staff-intro-claim-dispute-unanswered = La scadenza del fornitore di pagamento per la contestazione sull'ordine { $order } è passata senza risposta. Ora decide il fornitore.
mail-staff-subject-claim-dispute-decided = Il fornitore di pagamento ha deciso la contestazione sull'ordine { $order }
mail-staff-intro-claim-dispute-decided-won = Il fornitore di pagamento ha deciso la contestazione sull'ordine { $order } a tuo favore.
mail-staff-intro-claim-dispute-decided-lost = Il fornitore di pagamento ha deciso la contestazione sull'ordine { $order } a favore dell'acquirente: l'acquirente tiene il denaro.

## Avvisi di qualità (allo staff)
mail-staff-subject-quality-alert = Il tasso di reso dello SKU { $sku } per motivi di qualità è { $rate }
mail-staff-intro-quality-alert = { $returned } delle { $sold } unità dello SKU { $sku } vendute negli ultimi { $window } giorni sono tornate danneggiate, difettose o non conformi alla descrizione: { $rate }, pari o oltre la tua soglia del { $threshold }.
mail-staff-quality-alert-next = Controlla il prodotto, la descrizione e l'imballaggio prima di spedirne altri. Qui sotto trovi gli ultimi commenti degli acquirenti; la pagina dell'avviso li mostra tutti.
mail-quality-alert-rate = { $rate } ({ $returned } su { $sold } vendute)
mail-fact-sku = SKU
mail-fact-product = Prodotto
mail-fact-return-rate = Tasso di reso
mail-fact-quality-reasons = Motivi
mail-fact-buyer-comments = Commenti degli acquirenti
mail-quality-reason-damaged = Danneggiato
mail-quality-reason-defective = Difettoso
mail-quality-reason-not-as-described = Non conforme alla descrizione
mail-staff-action-quality-alert = Apri l'avviso di qualità
