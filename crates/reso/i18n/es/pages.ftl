shop-support = Atención al cliente

## Error pages
error-title-unauthorized = Inicia sesión para continuar
error-title-forbidden = Este enlace no es válido
error-title-not-found = No encontrado
error-title-conflict = No se puede hacer ahora
error-title-expired = Este enlace ha caducado
error-title-invalid = Revisa los datos introducidos
error-title-rate-limited = Demasiados intentos
error-title-internal = Algo ha salido mal
error-shop-not-found = No hemos encontrado esta tienda.
error-link-tampered = Este enlace no es válido. Usa el enlace de tu correo tal como te llegó, o pide uno nuevo.
error-link-expired = Por tu seguridad, los enlaces a tu pedido sirven durante 24 horas. Pide uno nuevo.
error-ask-new-link = Pedir un enlace nuevo
error-order-not-found = No hemos encontrado ningún pedido con este número y esta dirección de correo. Revisa ambos datos e inténtalo de nuevo.
error-return-not-found = No hemos encontrado esta devolución en tu pedido.
error-too-many-links = Has pedido varios enlaces en poco tiempo. Revisa tu bandeja de entrada (y la carpeta de spam) o inténtalo dentro de una hora.
error-too-large = El envío es demasiado grande. Puedes enviar como máximo 5 fotos de hasta 5 MB cada una.
error-bad-form = No hemos podido leer el formulario. Inténtalo de nuevo.

## Shared buyer page parts
language = Idioma
support-title = ¿Necesitas ayuda?
support-intro = Contacta con la atención al cliente de { $shop }:
support-email = Correo electrónico
support-phone = Teléfono
support-hours = Horario
support-web = Centro de ayuda
help-link = Política de devoluciones y preguntas frecuentes

## Return policy / FAQ page
help-page-title = Devoluciones y reembolsos
help-intro = Cómo devolver un artículo comprado en { $shop } y recuperar tu dinero.
help-start-button = Iniciar una devolución
help-window-q = ¿Cuánto tiempo tengo para devolver un artículo?
help-window-a = Puedes solicitar una devolución en los { $days } días siguientes a la entrega.
help-excluded-q = ¿Qué no se puede devolver?
help-excluded-a = Los artículos marcados como no retornables en tu pedido no se pueden devolver.
help-excluded-skus = Estos productos tampoco se pueden devolver (referencias):
help-fee-q = ¿Cuesta algo devolver un artículo?
help-fee-none = No se cobra ninguna tasa de reposición.
help-fee-percent = Se descuenta de tu reembolso una tasa de reposición del { $percent } % del valor de los artículos devueltos.
help-fee-fixed = Se descuenta de tu reembolso una tasa de reposición de { $amount } por devolución.
help-shipping-free = El envío de la devolución es gratuito para ti.
help-shipping-buyer = El envío de la devolución corre de tu cuenta: se descuentan { $amount } de tu reembolso.
help-fault-note = Si un artículo llegó dañado, defectuoso, equivocado o no corresponde a la descripción, no se descuenta nada y el envío de la devolución es gratuito.
help-refund-q = ¿Cómo recupero mi dinero?
help-refund-original = Reembolsamos al método de pago que usaste en el pedido (tarjeta, PayPal, pago aplazado…).
help-refund-credit = Reembolsamos con saldo de la tienda, que puedes usar en tu próximo pedido.
help-refund-choice = Tú eliges al solicitar la devolución: reembolso al método de pago original o saldo de la tienda.
help-timing-q = ¿Cuándo recibiré el reembolso?
help-timing-a = Emitimos el reembolso en cuanto recibimos y revisamos los artículos, y te avisamos por correo. El saldo de la tienda está disponible al momento; un reembolso a tarjeta o PayPal suele aparecer en un plazo de 5 a 10 días hábiles, según tu banco.
help-steps-q = ¿Cómo devuelvo un artículo?
help-step-1 = Abre la página de devoluciones e introduce tu número de pedido y el correo con el que hiciste el pedido.
help-step-2 = Abre el enlace que te enviamos por correo. Muestra tu pedido y sirve durante 24 horas.
help-step-3 = Elige los artículos, la cantidad y el motivo. Las fotos nos ayudan si algo está dañado o es incorrecto.
help-step-4 = Cuando tu devolución esté autorizada recibirás un número de devolución (RMA) y la dirección de envío. Escribe el número RMA en el paquete y envíalo.
help-step-5 = Indica el transportista y el número de seguimiento en la página de tu devolución para poder seguirla.
help-step-6 = Revisamos los artículos cuando llegan y te reembolsamos. Puedes seguir cada paso en la página de tu devolución.

## Start page: order number and e-mail
start-title = Devolver un artículo
start-intro = Introduce tu número de pedido y el correo electrónico que usaste en el pedido. Te enviaremos por correo un enlace a tu pedido.
start-order-number = Número de pedido
start-order-number-hint = Lo encontrarás en la confirmación del pedido.
start-email = Correo electrónico
start-submit = Envíame el enlace
start-policy = Lee antes la política de devoluciones
link-sent-title = Revisa tu correo
link-sent-body = Hemos enviado un enlace a tu pedido a la dirección de correo que has introducido. Sirve durante 24 horas.
link-sent-spam = ¿No ha llegado nada en unos minutos? Revisa la carpeta de spam o pide un enlace nuevo.

## Order page
order-title = Pedido { $number }
order-placed = Realizado el { $date }
order-hello = Hola, { $name }:
order-items = Tus artículos
order-bought = Comprados: { $quantity }
order-unit-price = Precio: { $price }
order-left = Aún se pueden devolver: { $quantity }
order-not-returnable = Este artículo no se puede devolver según la política de la tienda.
order-all-in-returns = Todas las unidades de este artículo ya están en una devolución.
order-window-closed = El plazo de devolución ha terminado.
order-window-until = Puedes solicitar una devolución hasta el { $date }.
order-window-passed = El plazo de devolución terminó el { $date }. Contacta con atención al cliente si necesitas ayuda.
order-nothing-to-return = Ya no queda nada por devolver en este pedido.
order-your-returns = Tus devoluciones
order-return-opened = Solicitada el { $date }
order-return-view = Ver esta devolución

## Return request form
request-title = Solicitar una devolución
request-intro = Elige cuántas unidades de cada artículo quieres devolver y por qué.
request-quantity = Cantidad a devolver
request-reason = Motivo
request-reason-choose = Elige un motivo
request-comment = Comentario (opcional)
request-comment-hint = Cuéntanos en pocas palabras qué ha pasado.
request-photos = Fotos (opcional)
request-photos-hint = Hasta 5 fotos (JPEG, PNG, GIF o WebP), de 5 MB cada una. Ayudan cuando un artículo está dañado o es incorrecto.
request-photos-again = Si habías elegido fotos, vuelve a seleccionarlas.
request-method = ¿Cómo quieres recibir el reembolso?
request-method-original = En mi método de pago original
request-method-credit = Como saldo de la tienda
request-submit = Solicitar la devolución
request-problem = Revisa tu solicitud de devolución:

## Mistakes in a return request
mistake-no-lines = Elige al menos un artículo para devolver (una cantidad mayor que 0).
mistake-bad-quantity = La cantidad debe ser un número entero.
mistake-missing-reason = Elige un motivo para «{ $item }».
mistake-bad-reason = Elige un motivo de la lista para «{ $item }».
mistake-unknown-line = Uno de los artículos elegidos no forma parte de este pedido.
mistake-duplicate-line = Un artículo aparece dos veces.
mistake-not-returnable = «{ $item }» no se puede devolver según la política de la tienda.
mistake-quantity-too-high = Quieres devolver { $asked } de «{ $item }», pero solo se pueden devolver { $left }.
mistake-outside-window = El plazo de devolución de { $window } días desde la entrega ha terminado.
mistake-too-many-photos = Puedes adjuntar como máximo 5 fotos.
mistake-photo-too-large = Cada foto puede ocupar como máximo 5 MB.
mistake-not-an-image = Solo se pueden adjuntar fotos (JPEG, PNG, GIF o WebP).
mistake-no-photos = Elige al menos una foto.
mistake-tracking = Indica el transportista y el número de seguimiento (hasta 128 caracteres).
mistake-confirm-withdraw = Marca la casilla para confirmar que quieres cancelar esta devolución.
mistake-comment-too-long = El comentario puede tener como máximo 2000 caracteres.

## Return status page
return-title = Tu devolución
return-title-rma = Devolución { $rma }
return-of-order = Del pedido { $number }, solicitada el { $date }
return-back = Volver a tu pedido
return-progress = Progreso
step-requested = Solicitada
step-authorized = Autorizada
step-in-transit = En camino
step-received = Recibida
step-refunded = Reembolsada
return-status = Estado
return-items = Artículos
return-item-line = { $quantity } × { $item } — { $reason }
return-photos-count = Fotos adjuntas: { $count }
return-rma = Tu número de devolución (RMA)
return-instructions = Cómo enviar los artículos de vuelta
return-instruction-pack = Embala bien los artículos, con todo lo que venía con ellos.
return-instruction-label = Escribe claramente el número de devolución { $rma } en el paquete.
return-instruction-address = Envía el paquete a:
return-shipping-free = El envío de la devolución es gratuito para ti: lo paga la tienda.
return-shipping-buyer = El envío de la devolución corre de tu cuenta; se descuentan { $amount } de tu reembolso.
return-keep-goods = No tienes que enviar nada: quédate los artículos.
return-rejected = La tienda no ha autorizado esta devolución.
return-rejection-reason = Motivo indicado por la tienda:
return-closed = Esta devolución está cerrada.
return-waiting = La tienda está revisando tu solicitud. Te escribiremos en cuanto se decida.
return-photos-needed = La tienda necesita fotos de los artículos para decidir. Añádelas aquí abajo.
return-received-note = La tienda ha recibido tu paquete y está revisando los artículos.
return-refund = Tu reembolso
return-refund-line = { $amount } — { $method }
return-refund-pending = En curso
return-refund-done = Emitido el { $date }
return-refund-failed = Con retraso: la tienda lo está revisando
return-refund-timing-original = Un reembolso a tarjeta o PayPal suele aparecer en un plazo de 5 a 10 días hábiles.
return-refund-timing-credit = El saldo de la tienda está disponible al momento.
return-timeline = Historial
tracking-title = Indica el seguimiento de tu paquete
tracking-intro = ¿Ya has enviado el paquete? Indícanos el transportista y el número de seguimiento.
tracking-current = Seguimiento: { $carrier } { $tracking }
tracking-carrier = Transportista
tracking-carrier-hint = Por ejemplo Correos, SEUR, DHL.
tracking-number = Número de seguimiento
tracking-submit = Guardar el seguimiento
photos-title = Añadir fotos
photos-submit = Enviar las fotos
withdraw-title = Cancelar esta devolución
withdraw-intro = ¿Has cambiado de opinión? Puedes cancelar esta devolución mientras no hayas enviado el paquete.
withdraw-confirm = Sí, quiero cancelar esta devolución
withdraw-submit = Cancelar la devolución
saved-tracking = Gracias, hemos guardado tu número de seguimiento.
saved-photos = Gracias, hemos recibido tus fotos.
saved-withdrawn = Tu devolución se ha cancelado.
saved-requested = Gracias, hemos recibido tu solicitud de devolución.

## Statuses
status-requested = Solicitada
status-photos_requested = Faltan fotos
status-authorized = Autorizada
status-in_transit = En camino a la tienda
status-received = Recibida
status-inspected = Revisada
status-refunding = Reembolso en curso
status-refunded = Reembolsada
status-rejected = No autorizada
status-closed = Cerrada

## Reasons
reason-damaged = Llegó dañado
reason-defective = Defectuoso o no funciona
reason-wrong_item = Artículo equivocado
reason-not_as_described = No corresponde a la descripción
reason-too_small = Demasiado pequeño
reason-too_large = Demasiado grande
reason-changed_mind = He cambiado de opinión
reason-arrived_late = Llegó demasiado tarde
reason-other = Otro motivo

## Refund methods
refund-method-original_payment = Método de pago original
refund-method-store_credit = Saldo de la tienda
refund-method-manual = Devuelto directamente por la tienda

## Timeline
event-return-requested = Solicitaste la devolución
event-return-photos_requested = La tienda pidió fotos
event-return-photos_added = Fotos añadidas
event-return-authorized = Devolución autorizada
event-return-rejected = Devolución no autorizada
event-return-in_transit = Paquete en camino a la tienda
event-return-received = Paquete recibido por la tienda
event-return-inspected = Artículos revisados
event-return-closed = Devolución cerrada
event-return-withdrawn = Devolución cancelada
event-return-refunded = Reembolso emitido
event-refund-created = Reembolso iniciado
event-refund-succeeded = Reembolso completado
event-refund-failed = Reembolso con retraso
event-other = Devolución actualizada
