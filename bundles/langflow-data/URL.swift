import LangBuilderBundleSDK
import LangflowBundleSupport

/// Fetching pages through the host's HTTP (libcurl: TLS verified, proxy from the environment, cancellation).
struct PageFetcher {
    /// The most pages one component call fetches, whatever the depth.
    static let maximumPages = 100
    /// The most bytes read of one page.
    static let maximumPageBytes = 5 << 20

    var headers: [Context.HTTPHeader]
    var timeout: Int64
    var maxDepth: Int64
    var preventOutside: Bool
    var continueOnFailure: Bool
    var checkStatus: Bool
    var asHTML: Bool
    let component: String

    struct Fetched {
        var url: String
        var title: String
        var text: String
        var contentType: String
    }

    /// The pages of `urls` and, down to `maxDepth`, the pages they link to (on the same host when
    /// `preventOutside`), each once, breadth first.
    func fetch(_ urls: [String], context: Context) throws(ComponentFailure) -> [Fetched] {
        var queue: [(WebAddress, Int64)] = []
        for raw in urls {
            var text = HTML.collapse(raw)
            if text.isEmpty { continue }
            if !text.lowercased().hasPrefix("http://") && !text.lowercased().hasPrefix("https://") && !text.contains("://") { text = "https://" + text }
            guard let address = WebAddress(text) else { throw ComponentFailure("\(component): '\(raw)' is not a valid http or https URL") }
            queue.append((address, 1))
        }
        guard !queue.isEmpty else { throw ComponentFailure("\(component): no URL given: enter at least one URL") }
        let roots = Set(queue.map(\.0.host))
        var seen = Set(queue.map(\.0.text))
        var pages: [Fetched] = []
        while !queue.isEmpty && pages.count < Self.maximumPages {
            if context.isCancelled { throw ComponentFailure("\(component): cancelled") }
            let (address, depth) = queue.removeFirst()
            let response: Context.HTTPResponse
            do throws(ComponentFailure) {
                response = try context.http(address.text, headers: headers, timeout: .seconds(max(1, timeout)), maxResponseBytes: Self.maximumPageBytes)
                if checkStatus && !(200..<300).contains(response.status) {
                    throw ComponentFailure("\(address.text) answered \(response.status)")
                }
            } catch {
                if continueOnFailure {
                    context.log(.warning, "\(component): skipped \(address.text): \(error.message)")
                    continue
                }
                throw ComponentFailure("\(component): \(error.message)")
            }
            let contentType = response.header("Content-Type") ?? ""
            let body = response.text
            let isHTML = contentType.lowercased().contains("html") || (contentType.isEmpty && body.prefix(512).lowercased().contains("<html"))
            let page = isHTML ? HTML.read(body) : HTML.Page(title: "", text: body, links: [])
            pages.append(Fetched(url: address.text, title: page.title, text: asHTML ? body : page.text, contentType: contentType))
            guard depth < maxDepth else { continue }
            for link in page.links {
                guard let next = address.resolve(link), !preventOutside || roots.contains(next.host), seen.insert(next.text).inserted else { continue }
                queue.append((next, depth + 1))
            }
        }
        return pages
    }

    /// Reads the fields URLComponent and its tool share.
    static func configured(_ inputs: Inputs, component: String) throws -> PageFetcher {
        let depth = try inputs.langflow("max_depth", component: component) == nil ? 1 : try inputs.integer("max_depth")
        guard (1...5).contains(depth) else { throw ComponentFailure("\(component): max_depth must be between 1 and 5, found \(depth)") }
        let timeout = try inputs.langflow("timeout", component: component) == nil ? 30 : try inputs.integer("timeout")
        guard timeout > 0 else { throw ComponentFailure("\(component): timeout must be a positive number of seconds, found \(timeout)") }
        let format = try inputs.text("format", component: component, default: "Text")
        guard format.isEmpty || format == "Text" || format == "HTML" else { throw ComponentFailure("\(component): format must be Text or HTML, found '\(format)'") }
        return PageFetcher(
            headers: try HTTPTable.headers(inputs, "headers", component: component), timeout: timeout, maxDepth: depth,
            preventOutside: try inputs.bool("prevent_outside", default: true), continueOnFailure: try inputs.bool("continue_on_failure", default: true),
            checkStatus: try inputs.bool("check_response_status", default: false), asHTML: format == "HTML", component: component)
    }
}

/// Langflow's `URLComponent` ("URL"): fetches pages (and the pages they link to, down to `max_depth`) as text or
/// HTML: one row per page on `page_results`, all the text on `raw_results`, and a `fetch_content` tool.
let urlComponent = ComponentDefinition(
    "URLComponent", displayName: "URL", description: "Fetch content from one or more web pages, following links recursively.",
    category: "data", icon: "layout-template", documentation: "https://docs.langflow.org/components-data#url",
    inputs: [
        .messageText("urls", "URLs", info: "Enter one or more URLs to crawl recursively, by clicking the '+' button.", list: true),
        InputDefinition(
            "max_depth", displayName: "Depth", info: "Controls how many 'clicks' away from the initial page the crawler will go.", fieldType: "slider",
            defaultJSON: "1"),
        .boolean("prevent_outside", "Prevent Outside", info: "If enabled, only crawls URLs within the same domain as the root URL.", value: true, advanced: true),
        .boolean("use_async", "Use Async", info: "If enabled, uses asynchronous loading which can be significantly faster but might use more system resources.", value: true, advanced: true),
        .dropdown("format", "Output Format", options: ["Text", "HTML"], value: "Text", info: "Output Format. Use 'Text' to extract the text from the HTML or 'HTML' for the raw HTML content.", advanced: true),
        .int("timeout", "Timeout", info: "Timeout for the request in seconds.", value: 30, advanced: true),
        HTTPTable.headersInput(userAgent: "langbuilder"),
        .boolean("filter_text_html", "Filter Text/HTML", info: "If enabled, filters out text/css content type from the results.", value: true, advanced: true),
        .boolean("continue_on_failure", "Continue on Failure", info: "If enabled, continues crawling even if some requests fail.", value: true, advanced: true),
        .boolean("check_response_status", "Check Response Status", info: "If enabled, checks the response status of the request.", advanced: true),
        .boolean("autoset_encoding", "Autoset Encoding", info: "If enabled, automatically sets the encoding of the request.", value: true, advanced: true),
    ],
    outputs: [
        OutputDefinition("page_results", displayName: "Extracted Pages", types: ["DataFrame"]),
        OutputDefinition("raw_results", displayName: "Raw Content", types: ["Message"]),
        OutputDefinition("component_as_tool", displayName: "Toolset", types: ["Tool"]),
    ]
) { (inputs: Inputs, context: Context) throws -> Outputs in
    let name = "URLComponent"
    let fetcher = try PageFetcher.configured(inputs, component: name)
    let tool = ComponentTool(
        name: "fetch_content", description: "Fetch content from one or more web pages, following links recursively.",
        parameters: ComponentTool.schema(["urls": "One or more URLs, separated by commas or spaces."])
    ) { arguments, context in
        let urls = (arguments["urls"].map(Python.str) ?? "").split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" }).map(String.init)
        return try fetcher.fetch(urls, context: context).map { "\($0.url)\n\($0.text)" }.joined(separator: "\n\n")
    }
    let urls = try inputs.textList("urls", component: name)
    // With no URL the component only offers its tool (an agent names the URLs).
    guard urls.contains(where: { !HTML.collapse($0).isEmpty }) else {
        return ["component_as_tool": tool.value(context: context)]
    }
    let pages = try fetcher.fetch(urls, context: context)
    let rows = pages.map { page in
        JSONObject([
            ("text", .string(page.text)), ("url", .string(page.url)), ("title", .string(page.title)), ("description", .string("")),
            ("content_type", .string(page.contentType)), ("language", .string("")),
        ])
    }
    return [
        "page_results": Langflow.dataFrame(rows), "raw_results": Langflow.message(pages.map(\.text).joined(separator: "\n\n"), context: context),
        "component_as_tool": tool.value(context: context),
    ]
}
