import LangBuilderBundleSDK
import LangflowBundleSupport

/// Langflow's table fields of key/value rows (headers, body).
enum HTTPTable {
    static func headersInput(userAgent: String) -> InputDefinition {
        InputDefinition(
            "headers", displayName: "Headers", info: "The headers to send with the request", fieldType: "table",
            defaultJSON: JSON.array([.object(JSONObject([("key", .string("User-Agent")), ("value", .string(userAgent))]))]).serialized(),
            list: true, advanced: true)
    }

    /// Key/value rows: a table (`[{"key": ..., "value": ...}]`), a dict or Data, or nil when empty.
    static func pairs(_ inputs: Inputs, _ name: String, component: String) throws -> [(String, JSON)] {
        guard let value = try inputs.langflow(name, component: component) else { return [] }
        switch value {
        case .dict(let object), .data(let object):
            return object.map { ($0.key, $0.value) }
        case .list(let rows):
            return try rows.compactMap { row in
                guard let object = row.objectValue else {
                    throw ComponentFailure("\(component): input '\(name)' must hold key/value rows, found \(Python.str(row))")
                }
                guard let key = object["key"].map(Python.str), !key.isEmpty else { return nil }
                return (key, object["value"] ?? .string(""))
            }
        case .dataFrame(let rows):
            return rows.compactMap { row in row["key"].map { (Python.str($0), row["value"] ?? .string("")) } }
        case .text(let text):
            if text.isEmpty { return [] }
            guard let object = try? JSON(parsing: text).objectValue else {
                throw ComponentFailure("\(component): input '\(name)' must be a JSON object or key/value rows, found '\(String(text.prefix(60)))'")
            }
            return object.map { ($0.key, $0.value) }
        default:
            throw ComponentFailure("\(component): input '\(name)' must be key/value rows, found \(value.kindName)")
        }
    }

    static func headers(_ inputs: Inputs, _ name: String, component: String) throws -> [Context.HTTPHeader] {
        try pairs(inputs, name, component: component).map { key, value in
            let text = Python.str(value)
            guard !key.contains(":"), !key.contains("\n"), !text.contains("\n"), !text.contains("\r") else {
                throw ComponentFailure("\(component): header '\(key)' has a character a header cannot hold")
            }
            return Context.HTTPHeader(key, text)
        }
    }

    /// `text` percent-encoded for a query string.
    static func encode(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                output += "%\(hex[Int(byte >> 4)])\(hex[Int(byte & 15)])"
            }
        }
        return output
    }
}

/// One request as APIRequest makes it.
struct APICall {
    var method = "GET"
    var url = ""
    var headers: [Context.HTTPHeader] = []
    var body: [UInt8] = []
    var timeout: Int64 = 30
    var followRedirects = false
    var includeMetadata = false

    static let methods = ["GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS"]
    /// The most bytes of an answer kept.
    static let maximumResponseBytes = 16 << 20

    /// Performs the request; the answer as Langflow's APIRequest gives it: `source`, the metadata when asked,
    /// and `result` (parsed JSON, else text). An answer with an error status is still an answer.
    func perform(context: Context, component: String) throws(ComponentFailure) -> JSONObject {
        let response = try context.http(
            url, method: method, headers: headers, body: body, timeout: .seconds(max(1, timeout)), maxRedirects: followRedirects ? 10 : 0,
            maxResponseBytes: Self.maximumResponseBytes)
        var data = JSONObject([("source", .string(url))])
        if includeMetadata || response.status >= 400 {
            data["status_code"] = .int(Int64(response.status))
        }
        if includeMetadata {
            data["headers"] = .object(JSONObject(headers.map { ($0.name, JSON.string($0.value)) }))
            data["response_headers"] = .object(JSONObject(response.headers.map { ($0.name.lowercased(), JSON.string($0.value)) }))
        }
        let text = response.text
        data["result"] = (try? JSON(parsing: text)) ?? .string(text)
        return data
    }

    /// A request from a cURL command line: the URL, `-X`, `-H`, `-d`/`--data*`/`--json`, `-L`, `-G`.
    static func parse(curl command: String, component: String) throws(ComponentFailure) -> APICall {
        let words = try shellWords(command, component: component)
        guard words.first == "curl" else { throw ComponentFailure("\(component): the cURL command must start with curl") }
        var call = APICall()
        var data: [String] = []
        var explicitMethod: String?
        var asQuery = false
        var index = 1
        func next(_ flag: String) throws(ComponentFailure) -> String {
            index += 1
            guard index < words.count else { throw ComponentFailure("\(component): cURL option \(flag) needs a value") }
            return words[index]
        }
        while index < words.count {
            let word = words[index]
            switch word {
            case "-X", "--request": explicitMethod = try next(word).uppercased()
            case "-H", "--header":
                let header = try next(word)
                guard let colon = header.firstIndex(of: ":") else { throw ComponentFailure("\(component): cURL header '\(header)' has no ':'") }
                call.headers.append(.init(String(header[..<colon]), HTML.collapse(String(header[header.index(after: colon)...]))))
            case "-d", "--data", "--data-raw", "--data-binary", "--data-ascii": data.append(try next(word))
            case "--json":
                data.append(try next(word))
                call.headers.append(.init("Content-Type", "application/json"))
                call.headers.append(.init("Accept", "application/json"))
            case "-L", "--location": call.followRedirects = true
            case "-G", "--get": asQuery = true
            case "-s", "--silent", "-S", "--show-error", "-f", "--fail", "-i", "--include", "-v", "--verbose", "--compressed", "-k", "--insecure":
                if word == "-k" || word == "--insecure" { throw ComponentFailure("\(component): cURL option \(word) is refused: TLS is always verified") }
            case "--url": call.url = try next(word)
            default:
                if word.hasPrefix("-") { throw ComponentFailure("\(component): cURL option \(word) is not supported") }
                call.url = word
            }
            index += 1
        }
        guard !call.url.isEmpty else { throw ComponentFailure("\(component): the cURL command names no URL") }
        if asQuery && !data.isEmpty {
            call.url += (call.url.contains("?") ? "&" : "?") + data.joined(separator: "&")
            data = []
        }
        call.body = Array(data.joined(separator: "&").utf8)
        call.method = explicitMethod ?? (data.isEmpty ? "GET" : "POST")
        return call
    }

    /// Splits a command line as a POSIX shell does for words: spaces, single and double quotes, backslashes,
    /// and line continuations.
    static func shellWords(_ command: String, component: String) throws(ComponentFailure) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in command {
            if escaped {
                escaped = false
                if character == "\n" { continue }  // a line continuation
                current.append(character)
                inWord = true
                continue
            }
            if let open = quote {
                if character == open { quote = nil } else if character == "\\" && open == "\"" { escaped = true } else { current.append(character) }
                continue
            }
            switch character {
            case "\\": escaped = true
            case "'", "\"": quote = character; inWord = true
            case " ", "\t", "\n", "\r":
                if inWord { words.append(current); current = ""; inWord = false }
            default: current.append(character); inWord = true
            }
        }
        if quote != nil { throw ComponentFailure("\(component): the cURL command has an unclosed quote") }
        if inWord { words.append(current) }
        return words
    }
}

/// Langflow's `APIRequest` ("API Request"): an HTTP request from a URL and fields, or from a cURL command.
let apiRequest = ComponentDefinition(
    "APIRequest", displayName: "API Request", description: "Make HTTP requests using URL or cURL commands.", category: "data", icon: "Globe",
    documentation: "https://docs.langflow.org/components-data#api-request",
    inputs: [
        .messageText("url_input", "URL", info: "Enter the URL for the request."),
        .multiline("curl_input", "cURL", info: "Paste a curl command to populate the fields. This will fill in the dictionary fields for headers and body.", advanced: true),
        .dropdown("method", "Method", options: APICall.methods, value: "GET", info: "The HTTP method to use."),
        .dropdown("mode", "Mode", options: ["URL", "cURL"], value: "URL", info: "Enable cURL mode to populate fields from a cURL command.", fieldType: "tab"),
        .data("query_params", "Query Parameters", info: "The query parameters to append to the URL."),
        InputDefinition("body", displayName: "Body", info: "The body to send with the request as a dictionary (for POST, PATCH, PUT).", fieldType: "table", list: true),
        HTTPTable.headersInput(userAgent: "langbuilder"),
        .int("timeout", "Timeout", info: "The timeout to use for the request.", value: 30),
        .boolean("follow_redirects", "Follow Redirects", info: "Whether to follow HTTP redirects.", value: false, advanced: true),
        .boolean("save_to_file", "Save to File", info: "Save the API response to a temporary file", advanced: true),
        .boolean("include_httpx_metadata", "Include HTTPx Metadata", info: "Include properties such as headers, status_code, response_headers, and redirection_history in the output.", advanced: true),
    ],
    outputs: [
        OutputDefinition("data", displayName: "API Response", types: ["Data"]),
        OutputDefinition("component_as_tool", displayName: "Toolset", types: ["Tool"]),
    ]
) { (inputs: Inputs, context: Context) throws -> Outputs in
    let name = "APIRequest"
    let timeout = try inputs.langflow("timeout", component: name) == nil ? 30 : try inputs.integer("timeout")
    guard timeout > 0 else { throw ComponentFailure("\(name): timeout must be a positive number of seconds, found \(timeout)") }
    let headers = try HTTPTable.headers(inputs, "headers", component: name)
    let followRedirects = try inputs.bool("follow_redirects", default: false)
    let metadata = try inputs.bool("include_httpx_metadata", default: false)
    let tool = ComponentTool(
        name: "make_api_request", description: "Make an HTTP request to a URL and return the answer.",
        parameters: ComponentTool.schema(["url": "The URL to request.", "method": "GET, POST, PATCH, PUT or DELETE."])
    ) { arguments, context in
        var call = APICall(headers: headers, timeout: timeout, followRedirects: followRedirects, includeMetadata: metadata)
        call.url = arguments["url"].map(Python.str) ?? ""
        call.method = (arguments["method"].map(Python.str) ?? "GET").uppercased()
        guard WebAddress(call.url) != nil else { throw ComponentFailure("'\(call.url)' is not an http or https URL") }
        guard APICall.methods.contains(call.method) else { throw ComponentFailure("unknown method \(call.method)") }
        return JSON.object(try call.perform(context: context, component: "make_api_request")).serialized()
    }

    var call: APICall
    let mode = try inputs.text("mode", component: name, default: "URL")
    switch mode {
    case "cURL":
        call = try APICall.parse(curl: try inputs.text("curl_input", component: name), component: name)
        call.headers = headers.filter { mine in !call.headers.contains { $0.name.lowercased() == mine.name.lowercased() } } + call.headers
        call.timeout = timeout
        if followRedirects { call.followRedirects = true }
        call.includeMetadata = metadata
    case "", "URL":
        call = APICall(headers: headers, timeout: timeout, followRedirects: followRedirects, includeMetadata: metadata)
        call.url = HTML.collapse(try inputs.text("url_input", component: name))
        if call.url.isEmpty { return ["component_as_tool": tool.value(context: context)] }
        call.method = try inputs.text("method", component: name, default: "GET").uppercased()
        if call.method.isEmpty { call.method = "GET" }
        let body = try HTTPTable.pairs(inputs, "body", component: name)
        if !body.isEmpty && ["POST", "PUT", "PATCH", "DELETE"].contains(call.method) {
            call.body = Array(JSON.object(JSONObject(body)).serialized().utf8)
            if !call.headers.contains(where: { $0.name.lowercased() == "content-type" }) { call.headers.append(.init("Content-Type", "application/json")) }
        }
    default:
        throw ComponentFailure("\(name): mode must be URL or cURL, found '\(mode)'")
    }
    guard APICall.methods.contains(call.method) else {
        throw ComponentFailure("\(name): method must be one of \(APICall.methods.joined(separator: ", ")), found '\(call.method)'")
    }
    if !call.url.lowercased().hasPrefix("http://") && !call.url.lowercased().hasPrefix("https://") && !call.url.contains("://") { call.url = "https://" + call.url }
    guard WebAddress(call.url) != nil else { throw ComponentFailure("\(name): '\(call.url)' is not a valid http or https URL") }
    let query = try HTTPTable.pairs(inputs, "query_params", component: name)
    if !query.isEmpty {
        call.url += (call.url.contains("?") ? "&" : "?") + query.map { "\(HTTPTable.encode($0.0))=\(HTTPTable.encode(Python.str($0.1)))" }.joined(separator: "&")
    }
    do throws(ComponentFailure) {
        return ["data": Langflow.data(try call.perform(context: context, component: name)), "component_as_tool": tool.value(context: context)]
    } catch {
        throw ComponentFailure("\(name): \(error.message)")
    }
}
