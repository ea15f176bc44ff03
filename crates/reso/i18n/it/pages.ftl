shop-support = Assistenza

## Error pages
error-title-unauthorized = Accedi per continuare
error-title-forbidden = Questo link non è valido
error-title-not-found = Pagina non trovata
error-title-conflict = Non è possibile farlo ora
error-title-expired = Questo link è scaduto
error-title-invalid = Controlla i dati inseriti
error-title-rate-limited = Troppi tentativi
error-title-internal = Qualcosa è andato storto
error-shop-not-found = Non abbiamo trovato questo negozio.
error-link-tampered = Questo link non è valido. Usa il link della tua e-mail esattamente come ti è arrivato, oppure richiedine uno nuovo.
error-link-expired = Per la tua sicurezza, i link al tuo ordine valgono 24 ore. Richiedine uno nuovo.
error-ask-new-link = Richiedi un nuovo link
error-order-not-found = Non abbiamo trovato un ordine con questo numero e questo indirizzo e-mail. Controlla entrambi e riprova.
error-return-not-found = Non abbiamo trovato questo reso per il tuo ordine.
error-too-many-links = Hai richiesto diversi link in poco tempo. Controlla la tua casella di posta (anche lo spam) oppure riprova tra un'ora.
error-too-large = Il caricamento è troppo grande. Puoi inviare al massimo 5 foto da 5 MB ciascuna.
error-bad-form = Non siamo riusciti a leggere il modulo. Riprova.

## Shared buyer page parts
language = Lingua
support-title = Hai bisogno di aiuto?
support-intro = Contatta il servizio clienti di { $shop }:
support-email = E-mail
support-phone = Telefono
support-hours = Orari
support-web = Centro assistenza
help-link = Condizioni di reso e domande frequenti

## Return policy / FAQ page
help-page-title = Resi e rimborsi
help-intro = Come restituire un articolo acquistato da { $shop } e ottenere il rimborso.
help-start-button = Inizia un reso
help-window-q = Quanto tempo ho per restituire un articolo?
help-window-a = Puoi richiedere un reso entro { $days } giorni dalla consegna.
help-excluded-q = Cosa non si può restituire?
help-excluded-a = Gli articoli indicati come non restituibili nel tuo ordine non possono essere resi.
help-excluded-skus = Non possono essere resi neanche questi prodotti (codici articolo):
help-fee-q = Il reso ha un costo?
help-fee-none = Non è prevista alcuna commissione di ripristino.
help-fee-percent = Dal rimborso viene trattenuta una commissione di ripristino pari al { $percent } % del valore degli articoli resi.
help-fee-fixed = Dal rimborso viene trattenuta una commissione di ripristino di { $amount } per reso.
help-shipping-free = La spedizione del reso è gratuita per te.
help-shipping-buyer = La spedizione del reso è a tuo carico: { $amount } vengono trattenuti dal rimborso.
help-fault-note = Se un articolo è arrivato danneggiato, difettoso, sbagliato o non conforme alla descrizione, non viene trattenuto nulla e la spedizione del reso è gratuita.
help-refund-q = Come riceverò il rimborso?
help-refund-original = Rimborsiamo sul metodo di pagamento usato per l'ordine (carta, PayPal, pagamento a rate…).
help-refund-credit = Rimborsiamo con un credito nel negozio, che puoi usare per il tuo prossimo ordine.
help-refund-choice = Scegli tu quando richiedi il reso: rimborso sul metodo di pagamento originale oppure credito nel negozio.
help-timing-q = Quando riceverò il rimborso?
help-timing-a = Emettiamo il rimborso appena abbiamo ricevuto e controllato gli articoli, e ti avvisiamo via e-mail. Il credito nel negozio è disponibile subito; un rimborso su carta o PayPal di solito compare entro 5-10 giorni lavorativi, a seconda della tua banca.
help-steps-q = Come restituisco un articolo?
help-step-1 = Apri la pagina dei resi e inserisci il numero d'ordine e l'indirizzo e-mail usato per l'ordine.
help-step-2 = Apri il link che ti inviamo via e-mail. Mostra il tuo ordine ed è valido per 24 ore.
help-step-3 = Scegli gli articoli, la quantità e il motivo. Le foto ci aiutano se qualcosa è danneggiato o sbagliato.
help-step-4 = Quando il reso è autorizzato ricevi un numero di reso (RMA) e l'indirizzo a cui spedire. Scrivi il numero RMA sul pacco e spediscilo.
help-step-5 = Inserisci il corriere e il numero di tracciamento nella pagina del tuo reso, così potrai seguirlo.
help-step-6 = Controlliamo gli articoli all'arrivo e ti rimborsiamo. Puoi seguire ogni passaggio nella pagina del tuo reso.

## Start page: order number and e-mail
start-title = Restituisci un articolo
start-intro = Inserisci il numero d'ordine e l'indirizzo e-mail usato per l'ordine. Ti invieremo via e-mail un link al tuo ordine.
start-order-number = Numero d'ordine
start-order-number-hint = Lo trovi nella conferma d'ordine.
start-email = Indirizzo e-mail
start-submit = Inviami il link
start-policy = Leggi prima le condizioni di reso
link-sent-title = Controlla la tua e-mail
link-sent-body = Abbiamo inviato un link al tuo ordine all'indirizzo e-mail che hai inserito. È valido per 24 ore.
link-sent-spam = Dopo qualche minuto non è arrivato nulla? Controlla la cartella spam oppure richiedi un nuovo link.

## Order page
order-title = Ordine { $number }
order-placed = Ordinato il { $date }
order-hello = Ciao { $name },
order-items = I tuoi articoli
order-bought = Acquistati: { $quantity }
order-unit-price = Prezzo: { $price }
order-left = Ancora restituibili: { $quantity }
order-not-returnable = Questo articolo non può essere reso secondo le condizioni del negozio.
order-all-in-returns = Tutte le unità di questo articolo sono già in un reso.
order-window-closed = Il periodo per il reso è terminato.
order-window-until = Puoi richiedere un reso fino al { $date }.
order-window-passed = Il periodo per il reso è terminato il { $date }. Contatta il servizio clienti se hai bisogno di aiuto.
order-nothing-to-return = Non c'è più nulla da restituire in questo ordine.
order-your-returns = I tuoi resi
order-return-opened = Richiesto il { $date }
order-return-view = Vedi questo reso

## Return request form
request-title = Richiedi un reso
request-intro = Scegli quanti pezzi di ogni articolo vuoi restituire e perché.
request-quantity = Quantità da restituire
request-reason = Motivo
request-reason-choose = Scegli un motivo
request-comment = Commento (facoltativo)
request-comment-hint = Raccontaci in poche parole cosa è successo.
request-photos = Foto (facoltative)
request-photos-hint = Fino a 5 foto (JPEG, PNG, GIF o WebP), massimo 5 MB ciascuna. Sono utili se un articolo è danneggiato o sbagliato.
request-photos-again = Se avevi scelto delle foto, selezionale di nuovo.
request-method = Come preferisci ricevere il rimborso?
request-method-original = Sul metodo di pagamento originale
request-method-credit = Come credito nel negozio
request-submit = Richiedi il reso
request-problem = Controlla la tua richiesta di reso:

## Mistakes in a return request
mistake-no-lines = Scegli almeno un articolo da restituire (una quantità maggiore di 0).
mistake-bad-quantity = La quantità deve essere un numero intero.
mistake-missing-reason = Scegli un motivo per “{ $item }”.
mistake-bad-reason = Scegli un motivo dall'elenco per “{ $item }”.
mistake-unknown-line = Uno degli articoli scelti non fa parte di questo ordine.
mistake-duplicate-line = Un articolo è stato indicato due volte.
mistake-not-returnable = “{ $item }” non può essere reso secondo le condizioni del negozio.
mistake-quantity-too-high = Hai chiesto di restituire { $asked } di “{ $item }”, ma se ne possono ancora restituire solo { $left }.
mistake-outside-window = Il periodo di reso di { $window } giorni dalla consegna è terminato.
mistake-too-many-photos = Puoi allegare al massimo 5 foto.
mistake-photo-too-large = Ogni foto può essere al massimo di 5 MB.
mistake-not-an-image = Puoi allegare solo foto (JPEG, PNG, GIF o WebP).
mistake-no-photos = Scegli almeno una foto.
mistake-tracking = Inserisci il corriere e il numero di tracciamento (fino a 128 caratteri).
mistake-confirm-withdraw = Spunta la casella per confermare che vuoi annullare questo reso.
mistake-comment-too-long = Il commento può contenere al massimo 2000 caratteri.

## Return status page
return-title = Il tuo reso
return-title-rma = Reso { $rma }
return-of-order = Per l'ordine { $number }, richiesto il { $date }
return-back = Torna al tuo ordine
return-progress = Avanzamento
step-requested = Richiesto
step-authorized = Autorizzato
step-in-transit = In viaggio
step-received = Ricevuto
step-refunded = Rimborsato
return-status = Stato
return-items = Articoli
return-item-line = { $quantity } × { $item } — { $reason }
return-photos-count = Foto allegate: { $count }
return-rma = Il tuo numero di reso (RMA)
return-instructions = Come rispedire gli articoli
return-instruction-pack = Imballa bene gli articoli, con tutto ciò che era incluso.
return-instruction-label = Scrivi chiaramente il numero di reso { $rma } sul pacco.
return-instruction-address = Spedisci il pacco a:
return-shipping-free = La spedizione del reso è gratuita per te: la paga il negozio.
return-shipping-buyer = La spedizione del reso è a tuo carico; { $amount } vengono trattenuti dal rimborso.
return-keep-goods = Non devi rispedire nulla: puoi tenere gli articoli.
return-rejected = Il negozio non ha autorizzato questo reso.
return-rejection-reason = Motivo indicato dal negozio:
return-closed = Questo reso è chiuso.
return-waiting = Il negozio sta esaminando la tua richiesta. Ti scriveremo appena sarà decisa.
return-photos-needed = Il negozio ha bisogno di foto degli articoli per decidere. Aggiungile qui sotto.
return-received-note = Il negozio ha ricevuto il tuo pacco e sta controllando gli articoli.
return-refund = Il tuo rimborso
return-refund-line = { $amount } — { $method }
return-refund-pending = In corso
return-refund-done = Emesso il { $date }
return-refund-failed = In ritardo: il negozio sta verificando
return-refund-timing-original = Un rimborso su carta o PayPal di solito compare entro 5-10 giorni lavorativi.
return-refund-timing-credit = Il credito nel negozio è disponibile subito.
return-timeline = Cronologia
tracking-title = Inserisci il tracciamento del pacco
tracking-intro = Hai già spedito il pacco? Indicaci il corriere e il numero di tracciamento.
tracking-current = Tracciamento: { $carrier } { $tracking }
tracking-carrier = Corriere
tracking-carrier-hint = Per esempio DHL, UPS, Poste Italiane.
tracking-number = Numero di tracciamento
tracking-submit = Salva il tracciamento
photos-title = Aggiungi foto
photos-submit = Invia le foto
withdraw-title = Annulla questo reso
withdraw-intro = Hai cambiato idea? Puoi annullare questo reso finché non hai spedito il pacco.
withdraw-confirm = Sì, voglio annullare questo reso
withdraw-submit = Annulla il reso
saved-tracking = Grazie, abbiamo salvato il numero di tracciamento.
saved-photos = Grazie, abbiamo ricevuto le tue foto.
saved-withdrawn = Il tuo reso è stato annullato.
saved-requested = Grazie, abbiamo ricevuto la tua richiesta di reso.

## Statuses
status-requested = Richiesto
status-photos_requested = Servono foto
status-authorized = Autorizzato
status-in_transit = In viaggio verso il negozio
status-received = Ricevuto
status-inspected = Controllato
status-refunding = Rimborso in corso
status-refunded = Rimborsato
status-rejected = Non autorizzato
status-closed = Chiuso

## Reasons
reason-damaged = Arrivato danneggiato
reason-defective = Difettoso o non funziona
reason-wrong_item = Articolo sbagliato
reason-not_as_described = Non conforme alla descrizione
reason-too_small = Troppo piccolo
reason-too_large = Troppo grande
reason-changed_mind = Ho cambiato idea
reason-arrived_late = Arrivato troppo tardi
reason-other = Altro motivo

## Refund methods
refund-method-original_payment = Metodo di pagamento originale
refund-method-store_credit = Credito nel negozio
refund-method-manual = Rimborsato direttamente dal negozio

## Timeline
event-return-requested = Hai richiesto il reso
event-return-photos_requested = Il negozio ha chiesto delle foto
event-return-photos_added = Foto aggiunte
event-return-authorized = Reso autorizzato
event-return-rejected = Reso non autorizzato
event-return-in_transit = Pacco in viaggio verso il negozio
event-return-received = Pacco ricevuto dal negozio
event-return-inspected = Articoli controllati
event-return-closed = Reso chiuso
event-return-withdrawn = Reso annullato
event-return-refunded = Rimborso emesso
event-refund-created = Rimborso avviato
event-refund-succeeded = Rimborso completato
event-refund-failed = Rimborso in ritardo
event-other = Reso aggiornato
