## Correos para compradores y para el equipo de la tienda. Variables: $shop
## (nombre de la tienda), $order (número de pedido), $rma (número de devolución).

## Comunes a todos los correos
mail-greeting = Hola:
mail-signoff = Un saludo cordial,
mail-signature = El equipo de { $shop }
mail-support-heading = ¿Tienes preguntas? El servicio de atención al cliente de { $shop } está para ayudarte
mail-support-email = Correo electrónico
mail-support-phone = Teléfono
mail-support-hours = Horario
mail-support-web = Centro de ayuda
mail-footer-buyer = Recibes este correo por tu pedido { $order } en { $shop }.
mail-footer-buyer-shop = Recibes este correo por tu compra en { $shop }.
mail-action-return-page = Abrir la página de tu devolución
mail-fact-order = Pedido
mail-fact-rma = Número de devolución (RMA)
mail-fact-items = Artículos
mail-fact-amount = Importe
mail-fact-reason = Motivo
mail-fact-method = Reembolsado en
mail-fact-timing = Cuándo lo verás
mail-fact-credit-note = Factura rectificativa
mail-fact-address = Envía el paquete a
mail-fact-shipping = Envío de la devolución
mail-fact-expires = Enlace válido hasta
mail-fact-carrier = Transportista
mail-fact-tracking = Número de seguimiento
mail-fact-failure = Respuesta del proveedor de pagos
mail-fact-event = Evento

## return.requested
mail-return-requested-subject = Hemos recibido tu solicitud de devolución del pedido { $order }
mail-return-requested-intro = Gracias: { $shop } ha recibido tu solicitud para devolver artículos del pedido { $order }.
mail-return-requested-next = La revisaremos y te escribiremos en cuanto tengamos una decisión.

## return.photos_requested
mail-return-photos-requested-subject = Necesitamos fotos para tu devolución (pedido { $order })
mail-return-photos-requested-intro = Para decidir sobre la devolución de los artículos del pedido { $order }, { $shop } necesita algunas fotos.
mail-return-photos-requested-how = Haz fotos de los artículos, incluidos los daños o defectos que tengan, y añádelas en la página de tu devolución. Seguiremos en cuanto las recibamos.
mail-return-photos-requested-message = Mensaje de { $shop }: «{ $message }»

## return.authorized
mail-return-authorized-subject = Devolución { $rma } autorizada: cómo enviarnos los artículos
mail-return-authorized-intro = Buenas noticias: { $shop } ha autorizado la devolución de los artículos de tu pedido { $order }. Tu número de devolución (RMA) es { $rma }.
mail-return-authorized-steps = Cómo devolver los artículos
mail-return-authorized-step-pack = Embala bien los artículos, a ser posible en su embalaje original.
mail-return-authorized-step-mark = Escribe de forma bien visible el número de devolución { $rma } en el paquete, o mete dentro una nota con él.
mail-return-authorized-step-send = Envía el paquete a la dirección indicada abajo y guarda el justificante de envío.
mail-return-authorized-step-track = Cuando lo hayas enviado, indica el transportista y el número de seguimiento en la página de tu devolución.
mail-return-authorized-window = Envía el paquete pronto, por favor: se aceptan devoluciones hasta { $days } días después de la entrega.
mail-return-shipping-free = Gratis para ti: { $shop } paga el envío de la devolución.
mail-return-shipping-buyer = A tu cargo.
mail-return-shipping-buyer-cost = A tu cargo: se descontarán { $cost } de tu reembolso, salvo que el artículo llegara dañado, defectuoso, equivocado o no se correspondiera con la descripción.

## return.rejected
mail-return-rejected-subject = Tu solicitud de devolución del pedido { $order } no ha sido aceptada
mail-return-rejected-intro = Lo sentimos: { $shop } no ha podido aceptar tu solicitud de devolución del pedido { $order }.
mail-return-rejected-help = Si crees que se trata de un error, o si tienes cualquier duda, ponte en contacto con atención al cliente con los datos que encontrarás abajo.

## return.received
mail-return-received-subject = Hemos recibido los artículos de tu devolución ({ $rma })
mail-return-received-intro = { $shop } ha recibido tu paquete de la devolución { $rma } (pedido { $order }).
mail-return-received-next = Ahora revisaremos los artículos y te escribiremos en cuanto se haya emitido el reembolso.

## refund.succeeded
mail-refund-succeeded-subject = Tu reembolso de { $amount } se ha emitido
mail-refund-succeeded-intro = { $shop } te ha reembolsado { $amount } por tu pedido { $order }.
mail-refund-method-card = La tarjeta con la que pagaste
mail-refund-method-paypal = Tu cuenta de PayPal
mail-refund-method-bnpl = Tu cuenta de pago aplazado
mail-refund-method-bank = La cuenta bancaria desde la que pagaste
mail-refund-method-original = Tu método de pago original
mail-refund-method-store-credit = Saldo para compras en { $shop }
mail-refund-method-manual = Según lo acordado con { $shop }
mail-refund-timing-card = Los reembolsos con tarjeta suelen aparecer en tu extracto en un plazo de 5 a 10 días hábiles, según tu banco.
mail-refund-timing-paypal = Los reembolsos de PayPal suelen llegar a tu cuenta en un plazo de 3 a 5 días hábiles.
mail-refund-timing-bnpl = Tu proveedor actualizará tu saldo o tus plazos, normalmente en un plazo de 5 días hábiles.
mail-refund-timing-bank = Las transferencias suelen llegar en un plazo de 3 a 5 días hábiles.
mail-refund-timing-original = Normalmente en un plazo de 5 a 10 días hábiles, según tu proveedor de pagos.
mail-refund-timing-store-credit = De inmediato: el saldo ya está disponible para tu próxima compra.
mail-refund-timing-manual = Según lo acordado con { $shop }. Si aún no tienes noticias, ponte en contacto con atención al cliente.

## buyer.link_requested
mail-buyer-link-subject = Tu enlace a tu pedido y tus devoluciones en { $shop }
mail-buyer-link-intro = Has pedido ver tu pedido { $order } y sus devoluciones en { $shop }. Usa el botón de abajo para abrirlos.
mail-buyer-link-action = Abrir mi pedido
mail-buyer-link-private = El enlace funciona hasta el { $expires } y solo para ti: no reenvíes este correo.
mail-buyer-link-ignore = Si no has pedido este enlace, puedes ignorar este correo.

## staff.notification
mail-staff-greeting = Hola, equipo de { $shop }:
mail-staff-subject-return-requested = Nueva solicitud de devolución del pedido { $order }
mail-staff-intro-return-requested = Un comprador ha pedido devolver artículos del pedido { $order }.
mail-staff-subject-return-in-transit = La devolución { $rma } está en camino (pedido { $order })
mail-staff-intro-return-in-transit = El comprador ha enviado la devolución { $rma } del pedido { $order }.
mail-staff-subject-refund-failed = Reembolso fallido del pedido { $order }
mail-staff-intro-refund-failed = El proveedor de pagos ha rechazado el reembolso de { $amount } del pedido { $order }. El importe puede reembolsarse de nuevo: vuelve a intentarlo o reembolsa de otra forma.
mail-staff-subject-refund-reversed = El proveedor de pagos ha anulado un reembolso del pedido { $order }
mail-staff-intro-refund-reversed = El reembolso de { $amount } del pedido { $order } se había completado y el proveedor de pagos lo ha anulado: el comprador no recibió el dinero. El importe vuelve a deberse al comprador: reembólsalo de nuevo o de otra forma.
mail-staff-subject-refund-imported = Se ha importado un reembolso del pedido { $order } hecho en el proveedor de pagos
mail-staff-intro-refund-imported = La conciliación ha encontrado un reembolso de { $amount } del pedido { $order } hecho directamente en el proveedor de pagos (por ejemplo, en su panel). Reso lo ha registrado en el pedido para que los importes cuadren.
mail-staff-subject-other = Pedido { $order }: { $kind }
mail-staff-intro-other = Reso ha registrado «{ $kind }» para el pedido { $order }.
mail-staff-action = Abrir en el centro de control
mail-staff-footer = Recibes este correo porque esta dirección figura en la configuración de notificaciones de { $shop } en Reso.

## Protección del comprador. Variables: $deadline (fecha y hora), $ends (fin de
## la protección), $rdays (días para responder), $message.
mail-claim-action-order = Abrir mi pedido
mail-fact-protection-until = Protegido hasta
mail-fact-claim-kind = Reclamación
mail-fact-answer-by = Respuesta antes del
mail-fact-react-by = Responde antes del
mail-fact-buyer-text = Descripción del comprador
mail-fact-message = Mensaje
mail-fact-send-by = Enviar antes del
mail-claim-kind-not-received = Pedido no recibido
mail-claim-kind-refund-not-received = Reembolso no recibido tras una devolución
mail-claim-kind-other-problem = Otro problema
mail-claim-escalation-merchant-silent = Motivo: { $shop } no respondió dentro del plazo.
mail-claim-escalation-buyer-not-received = Motivo: se indicó que el reembolso no se ha recibido.
mail-claim-escalation-buyer-disagrees = Motivo: no se aceptó la respuesta de { $shop }.
mail-claim-escalation-merchant-insolvent = Motivo: { $shop } ha sido declarada insolvente; los reembolsos pueden pagarse con la garantía de la protección del comprador.
mail-claim-escalation-other-problem = Motivo: el problema indicado pasa directamente al equipo de mediación.
mail-claim-escalation-documents-missed = Motivo: los documentos que pidió el equipo de mediación no se enviaron a tiempo.
mail-claim-decided-none = El equipo de mediación ha decidido que no corresponde ningún reembolso.
mail-claim-decided-merchant = El equipo de mediación ha decidido un reembolso de { $amount }, pagado por { $shop } al método de pago original.
mail-claim-decided-guarantee = El equipo de mediación ha decidido un reembolso de { $amount }, pagado con la garantía de la protección del comprador.

## protection.reminder (día 23)
mail-protection-reminder-subject = ¿Ha ido todo bien con tu pedido { $order }?
mail-protection-reminder-intro = Tu pedido { $order } en { $shop } está cubierto por la protección del comprador hasta el { $ends }.
mail-protection-reminder-fine = Si todo ha ido bien, no tienes que hacer nada. También puedes indicárnoslo en la página de tu pedido, lo que da por terminada la protección.
mail-protection-reminder-problem = Si algo ha ido mal (el pedido no llegó, no te llegó el reembolso tras una devolución u otro problema), abre la página de tu pedido y cuéntanoslo antes de que termine la protección.

## claim.opened
mail-claim-opened-subject = Hemos recibido tu reclamación sobre el pedido { $order }
mail-claim-opened-intro = Tu reclamación sobre el pedido { $order } en { $shop } ha quedado registrada.
mail-claim-opened-next = { $shop } tiene hasta el { $deadline } para responder. Si no responde a tiempo, la reclamación pasa automáticamente al equipo de mediación.
mail-claim-opened-mediation = Pasa directamente al equipo de mediación, que la revisará y te escribirá.

## claim.answered
mail-claim-answered-subject = { $shop } ha respondido a tu reclamación sobre el pedido { $order }
mail-claim-answered-yes = { $shop } ha reembolsado { $amount }.
mail-claim-answered-yes-after-return = { $shop } reembolsará { $amount } cuando reciba la mercancía de vuelta.
mail-claim-answered-no = { $shop } ha decidido no reembolsar este pedido.
mail-claim-answered-message = Mensaje de { $shop }: «{ $message }»
mail-claim-react-full-refund = Indícanos en la página de tu pedido, en un plazo de { $rdays } días, si has recibido el reembolso.
mail-claim-react-partial-refund = Indícanos en la página de tu pedido, en un plazo de { $rdays } días, si has recibido el reembolso o si no estás de acuerdo con el importe.
mail-claim-react-no-refund = Indícanos en la página de tu pedido, en un plazo de { $rdays } días, si aceptas esta respuesta o no estás de acuerdo.
mail-claim-answered-silence = Si no sabemos nada de ti antes del { $deadline }, la reclamación se cierra según la respuesta de { $shop }.

## claim.escalated
mail-claim-escalated-subject = Tu reclamación sobre el pedido { $order } ha pasado al equipo de mediación
mail-claim-escalated-next = El equipo de mediación revisará lo que habéis enviado tú y { $shop } y decidirá. Te escribiremos por correo electrónico.

## claim.decided
mail-claim-decided-subject = Decisión sobre tu reclamación del pedido { $order }
mail-claim-decided-message = La explicación del equipo de mediación: «{ $message }»

## claim.closed
mail-claim-closed-subject = Tu reclamación sobre el pedido { $order } está cerrada
mail-claim-closed-received = Gracias por confirmar que has recibido el reembolso.
mail-claim-closed-concluded = Gracias: has aceptado la respuesta de { $shop }.
mail-claim-closed-silence = No hemos sabido nada de ti en los { $rdays } días siguientes a la respuesta de { $shop }, así que la reclamación se ha cerrado según la respuesta de { $shop }.
mail-claim-closed-final = Tu reclamación queda cerrada.

## staff.notification sobre reclamaciones
mail-staff-subject-claim-opened = Nueva reclamación de protección del comprador para el pedido { $order }
mail-staff-intro-claim-opened = Un comprador ha abierto una reclamación sobre el pedido { $order }. Responde antes del { $deadline }: sin respuesta, la reclamación pasa al equipo de mediación.
mail-staff-intro-claim-opened-mediation = Un comprador ha indicado un problema con el pedido { $order }. Ha pasado directamente al equipo de mediación, que puede pedirte documentos.
mail-staff-subject-claim-escalated = La reclamación sobre el pedido { $order } ha pasado al equipo de mediación
mail-staff-intro-claim-escalated = La reclamación sobre el pedido { $order } está ahora en manos del equipo de mediación.
mail-staff-subject-claim-documents-requested = Se necesitan documentos para la reclamación del pedido { $order }
mail-staff-intro-claim-documents-requested = El equipo de mediación te pide documentos sobre la reclamación del pedido { $order }. Envíalos desde la página de la reclamación antes del { $deadline }; después, el equipo decide con lo que tenga.
mail-staff-subject-claim-decided = Decisión de mediación sobre la reclamación del pedido { $order }
mail-staff-intro-claim-decided = El equipo de mediación ha resuelto la reclamación sobre el pedido { $order }.
mail-staff-subject-claim-closed = La reclamación sobre el pedido { $order } está cerrada
mail-staff-intro-claim-closed = La reclamación sobre el pedido { $order } está cerrada.
mail-staff-action-claim = Abrir la reclamación

## message.posted
mail-message-posted-subject = Nuevo mensaje sobre tu pedido { $order }
mail-message-posted-from-shop = { $shop } te ha escrito sobre tu pedido { $order }:
mail-message-posted-from-mediator = El equipo de mediación te ha escrito sobre tu pedido { $order }:
mail-message-posted-body = «{ $message }»
mail-message-posted-reply = Para responder, abre la página de tu pedido.
mail-staff-subject-message-posted = Nuevo mensaje sobre el pedido { $order }
mail-staff-intro-message-posted-buyer = El comprador ha escrito sobre el pedido { $order }:
mail-staff-intro-message-posted-mediator = El equipo de mediación ha escrito sobre el pedido { $order }:

# Disputas en el proveedor de pagos (contracargos, reclamaciones).
mail-claim-kind-chargeback = Contracargo a través del banco
mail-claim-kind-provider-claim = Reclamación ante el proveedor de pagos
mail-staff-subject-claim-dispute-opened = Disputa de pago en el pedido { $order }: responde antes del { $deadline }
mail-staff-intro-claim-dispute-opened = El proveedor de pagos informa de una disputa en el pedido { $order }. Acéptala o envía tus pruebas desde la página de la reclamación antes del plazo del proveedor; sin respuesta, el proveedor suele decidir a favor del comprador.
mail-staff-subject-claim-dispute-answer-refused = El proveedor de pagos no ha aceptado tu respuesta sobre el pedido { $order }
mail-staff-intro-claim-dispute-answer-refused = El proveedor de pagos ha rechazado tu respuesta a la disputa del pedido { $order }. Consulta el motivo en la página de la reclamación y responde de nuevo si el plazo lo permite.
mail-staff-subject-claim-dispute-unanswered = Ha terminado el plazo para responder a la disputa del pedido { $order }
mail-staff-intro-claim-dispute-unanswered = El plazo del proveedor de pagos para la disputa del pedido { $order } ha vencido sin respuesta. Ahora decide el proveedor.
mail-staff-subject-claim-dispute-decided = El proveedor de pagos ha resuelto la disputa del pedido { $order }
mail-staff-intro-claim-dispute-decided-won = El proveedor de pagos ha resuelto la disputa del pedido { $order } a tu favor.
mail-staff-intro-claim-dispute-decided-lost = El proveedor de pagos ha resuelto la disputa del pedido { $order } a favor del comprador: el comprador se queda con el dinero.

## Alertas de calidad (al personal)
mail-staff-subject-quality-alert = La tasa de devolución del SKU { $sku } por motivos de calidad es { $rate }
mail-staff-intro-quality-alert = { $returned } de las { $sold } unidades del SKU { $sku } vendidas en los últimos { $window } días volvieron dañadas, defectuosas o no conformes a la descripción: { $rate }, igual o por encima de tu umbral del { $threshold }.
mail-staff-quality-alert-next = Revisa el producto, su descripción y su embalaje antes de enviar más. Abajo están los últimos comentarios de los compradores; la página de la alerta los muestra todos.
mail-quality-alert-rate = { $rate } ({ $returned } de { $sold } vendidas)
mail-fact-sku = SKU
mail-fact-product = Producto
mail-fact-return-rate = Tasa de devolución
mail-fact-quality-reasons = Motivos
mail-fact-buyer-comments = Comentarios de los compradores
mail-quality-reason-damaged = Dañado
mail-quality-reason-defective = Defectuoso
mail-quality-reason-not-as-described = No conforme a la descripción
mail-staff-action-quality-alert = Abrir la alerta de calidad
