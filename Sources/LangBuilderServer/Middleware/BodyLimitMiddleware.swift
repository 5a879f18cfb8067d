import HTTPTypes
import Hummingbird

/// Refuses request bodies larger than the configured limit with 413 before a handler reads them.
///
/// A declared `Content-Length` over the limit is refused at once. A body without one (chunked transfer
/// encoding) is read up to the limit before the handler runs, and refused as soon as it goes past it.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let limit: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init) {
            if length > limit {
                throw APIError(.contentTooLarge, "Request body of \(length) bytes is larger than the limit of \(limit) bytes")
            }
            return try await next(request, context)
        }
        guard request.headers[.transferEncoding] != nil else { return try await next(request, context) }
        var request = request
        do {
            _ = try await request.collectBody(upTo: limit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw APIError(.contentTooLarge, "Request body is larger than the limit of \(limit) bytes")
        }
        return try await next(request, context)
    }
}

/// Adds the request id (also in every log line of the request) to the response as `x-request-id`.
struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if let name = HTTPField.Name("x-request-id") { response.headers[name] = context.id }
        return response
    }
}
