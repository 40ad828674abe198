/**
 * Errors as the Lambda service sends them: a type name (`x-amzn-errortype`), an HTTP status, and
 * the message under the casing the service model gives that type (`message` or `Message`). The
 * service layer throws these; the HTTP layer writes them; in-process callers get them as thrown
 * errors whose `name` is the type, as @aws-sdk/client-lambda would raise them.
 */

interface ErrorKind {
  status: number;
  /** The body field the service model declares for the message. */
  field: "message" | "Message";
  fault: "client" | "server";
}

const KINDS = {
  InvalidParameterValueException: { status: 400, field: "message", fault: "client" },
  InvalidRequestContentException: { status: 400, field: "message", fault: "client" },
  CallbackTimeoutException: { status: 400, field: "Message", fault: "client" },
  ResourceNotFoundException: { status: 404, field: "Message", fault: "client" },
  DurableExecutionAlreadyStartedException: { status: 409, field: "Message", fault: "client" },
  RequestTooLargeException: { status: 413, field: "message", fault: "client" },
  TooManyRequestsException: { status: 429, field: "message", fault: "client" },
  UnknownOperationException: { status: 404, field: "message", fault: "client" },
  ServiceException: { status: 500, field: "Message", fault: "server" },
} satisfies Record<string, ErrorKind>;

export type ServiceErrorType = keyof typeof KINDS;

export class ServiceError extends Error {
  readonly type: ServiceErrorType;
  readonly status: number;
  readonly field: "message" | "Message";
  readonly $fault: "client" | "server";
  /** As @aws-sdk/client-lambda's errors carry it: both SDKs classify checkpoint failures by it. */
  readonly $metadata: { httpStatusCode: number };

  constructor(type: ServiceErrorType, message: string) {
    super(message);
    const kind: ErrorKind = KINDS[type];
    this.name = type;
    this.type = type;
    this.status = kind.status;
    this.field = kind.field;
    this.$fault = kind.fault;
    this.$metadata = { httpStatusCode: kind.status };
  }

  /** The JSON body the service sends with this error. */
  body(): Record<string, string> {
    return { Type: this.$fault === "client" ? "User" : "Service", [this.field]: this.message };
  }
}

export const invalidParameter = (message: string): ServiceError => new ServiceError("InvalidParameterValueException", message);
export const notFound = (message: string): ServiceError => new ServiceError("ResourceNotFoundException", message);

/** The service's own text for a stale, reused or missing checkpoint token. */
export const INVALID_TOKEN = "Invalid checkpoint token";
