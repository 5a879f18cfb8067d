import Foundation
import Hummingbird
import Logging
import LangBuilderCore
import LangBuilderStorage

/// Answers every error as Langflow does: a JSON body `{"detail": ...}` with the error's status.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response()
        } catch let error as StorageError {
            return Self.answer(for: error, logger: context.logger).response()
        } catch let error as HTTPError {
            let detail = error.body ?? error.status.reasonPhrase
            return APIError(error.status, detail: .string(detail), headers: error.headers).response()
        } catch let error as any HTTPResponseError {
            return APIError(error.status, detail: .string(error.status.reasonPhrase)).response()
        } catch {
            context.logger.error("unhandled error: \(String(describing: error))")
            return APIError(.internalServerError, detail: .string("Internal server error")).response()
        }
    }
}

extension ErrorMiddleware {
    /// What a storage failure that no controller translated means over HTTP.
    static func answer(for error: StorageError, logger: Logger) -> APIError {
        switch error {
        case .notFound: return APIError(.notFound, "Not found")
        case .duplicate(let field):
            let name = field.replacingOccurrences(of: "_", with: " ")
            return APIError(.badRequest, name.prefix(1).uppercased() + name.dropFirst() + " must be unique")
        case .versionConflict: return APIError(.conflict, "The record was changed since it was read")
        case .invalid(let reason): return APIError(.unprocessableContent, reason)
        case .backend(let reason):
            logger.error("storage failure: \(reason)")
            return APIError(.internalServerError, "Internal server error")
        }
    }
}

/// An error answer: status, `detail` (a string or, as Langflow sometimes does, an object) and headers.
struct APIError: Error {
    var status: HTTPResponse.Status
    var detail: JSONValue
    var headers: HTTPFields

    init(_ status: HTTPResponse.Status, detail: JSONValue, headers: HTTPFields = [:]) {
        self.status = status
        self.detail = detail
        self.headers = headers
    }

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.init(status, detail: .string(message))
    }

    func response() -> Response {
        var response = Response.json(["detail": detail], status: status)
        response.headers.append(contentsOf: headers)
        return response
    }
}

extension Response {
    /// A JSON response from a JSON value.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: value.serializedUTF8())))
    }

    /// A JSON response from JSON text.
    static func json(text: String, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
