// Handlers for the protocol's typed requests and notifications (server/src/protocol).
// vscode-languageserver carries its own copy of vscode-jsonrpc, whose RequestType
// class TypeScript will not accept from the shared protocol module (built on the
// client's copy), so handlers register by method name and these signatures keep
// params and results checked against the protocol.
import type { Connection, NotificationHandler, RequestHandler, RequestHandler0 } from 'vscode-languageserver';
import type { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';

export function onTypedRequest<P, R, E>(
  connection: Connection,
  type: RequestType<P, R, E>,
  handler: NoInfer<RequestHandler<P, R, E>>,
): void {
  connection.onRequest<R, E>(type.method, handler);
}

export function onTypedRequest0<R, E>(connection: Connection, type: RequestType0<R, E>, handler: NoInfer<RequestHandler0<R, E>>): void {
  connection.onRequest<R, E>(type.method, handler);
}

export function onTypedNotification<P>(connection: Connection, type: NotificationType<P>, handler: NoInfer<NotificationHandler<P>>): void {
  connection.onNotification(type.method, handler);
}

export function sendTypedNotification<P>(connection: Connection, type: NotificationType<P>, params: NoInfer<P>): Promise<void> {
  return connection.sendNotification(type.method, params);
}
