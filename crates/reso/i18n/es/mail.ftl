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
mail-staff-subject-other = Pedido { $order }: { $kind }
mail-staff-intro-other = Reso ha registrado «{ $kind }» para el pedido { $order }.
mail-staff-action = Abrir en el centro de control
mail-staff-footer = Recibes este correo porque esta dirección figura en la configuración de notificaciones de { $shop } en Reso.
