import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LangBuilderCore
@testable import LangBuilderServer
import LangBuilderStorage
import LangBuilderTesting
import Testing

/// `POST /api/v1/flows/upload/` and `POST /api/v1/flows/download/`: Langflow flow files in and out.
@Suite struct FlowTransferTests {
    static let fixtureDirectory = BundleFixtures.packageRoot.appendingPathComponent("Tests/Fixtures/langflow")
    static let fixtures = ((try? FileManager.default.contentsOfDirectory(atPath: fixtureDirectory.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()

    private func upload(_ client: some TestClientProtocol, _ content: Data, filename: String = "flow.json", query: String = "", headers: HTTPFields) async throws -> (HTTPResponse.Status, JSONValue) {
        let form = MultipartForm.file(content, filename: filename)
        return try await client.execute(uri: "/api/v1/flows/upload/\(query)", method: .post, headers: headers + form.headers, body: form.body) { response in
            (response.status, response.body.json())
        }
    }

    private func download(_ client: some TestClientProtocol, _ ids: [JSONValue], headers: HTTPFields) async throws -> (HTTPResponse.Status, HTTPFields, Data) {
        try await client.execute(uri: "/api/v1/flows/download/", method: .post, headers: headers + .json, body: ByteBuffer(string: JSONValue.array(ids).serialized())) { response in
            (response.status, response.headers, Data(response.body.readableBytesView))
        }
    }

    private func flowCount(_ server: TestServer, _ username: String) async throws -> Int {
        let user = try #require(try await server.storage.user(username: username))
        return try await server.storage.flows(FlowQuery(owner: .user(user.id), includeExamples: false)).total
    }

    @Test func fixturesExist() {
        #expect(Self.fixtures.count >= 2)
    }

    @Test(arguments: fixtures)
    func uploadsEachLangflowExport(_ fixture: String) async throws {
        let server = try await TestServer()
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        let content = try Data(contentsOf: Self.fixtureDirectory.appendingPathComponent(fixture))
        let original = try JSONValue(parsing: content)
        try await server.app().test(.router) { client in
            let (status, flows) = try await upload(client, content, filename: fixture, headers: bob)
            #expect(status == .created)
            let flow = try #require(flows[0])
            #expect(flows.arrayValue?.count == 1)
            #expect(flow["name"] == original["name"])
            #expect(flow["id"] == original["id"], "an id nobody has is kept")
            #expect(flow["data"]?["nodes"]?.arrayValue?.count == original["data"]?["nodes"]?.arrayValue?.count)
            let bobID = try #require(try await server.storage.user(username: "bob")).id
            #expect(flow["user_id"] == .string(bobID.uuidString.lowercased()))
            #expect(flow["folder_id"]?.stringValue != nil)
            #expect(flow["folder_id"] != original["folder_id"] || original["folder_id"] == nil)

            // Uploading it again overwrites the same flow.
            let (again, second) = try await upload(client, content, filename: fixture, headers: bob)
            #expect(again == .created)
            #expect(second[0]?["id"] == flow["id"])
            #expect(second[0]?["name"] == flow["name"])
            #expect(try await flowCount(server, "bob") == 1)
        }
    }

    @Test func uploadedCodeLinesAreJoinedAndDownloadsSplitThemAgain() async throws {
        let server = try await TestServer()
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        let node: JSONValue = [
            "id": "Upper-1", "type": "genericNode",
            "data": ["id": "Upper-1", "type": "Upper", "node": ["template": ["code": ["type": "code", "value": ["def f():", "    return 1", ""]]]]],
        ]
        let file: JSONValue = ["name": "Lines", "data": ["nodes": [node], "edges": []]]
        try await server.app().test(.router) { client in
            let (status, flows) = try await upload(client, Data(file.serialized().utf8), headers: bob)
            #expect(status == .created)
            let flow = try #require(flows[0])
            #expect(flow["data"]?["nodes"]?[0]?["data"]?["node"]?["template"]?["code"]?["value"] == "def f():\n    return 1\n")

            let (downloaded, headers, body) = try await download(client, [flow["id"]!], headers: bob)
            #expect(downloaded == .ok)
            #expect(headers[.contentType] == "application/json")
            #expect(headers[.contentDisposition] == #"attachment; filename="Lines.json"; filename*=UTF-8''Lines.json"#)
            let exported = try JSONValue(parsing: body)
            #expect(exported["data"]?["nodes"]?[0]?["data"]?["node"]?["template"]?["code"]?["value"] == ["def f():", "    return 1", ""])
            #expect(exported["user_id"] == nil)
            #expect(exported["folder_id"] == nil)
            #expect(exported["updated_at"] == nil)
            #expect(exported["id"] == flow["id"])
            #expect(exported.objectValue?.keys == exported.objectValue?.keys.sorted())
        }
    }

    @Test func anUploadOverwritesOnlyTheUsersOwnFlows() async throws {
        let server = try await TestServer()
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        let langflow = HTTPFields.bearer(try await server.accessToken(for: TestServer.superuser))
        try await server.app().test(.router) { client in
            let (_, created) = try await upload(client, Data(#"{"name":"Bob's","description":"v1"}"#.utf8), headers: bob)
            let bobsID = try #require(created[0]?["id"]?.stringValue)
            let (_, theirs) = try await upload(client, Data(#"{"name":"Admin's"}"#.utf8), headers: langflow)
            let theirID = try #require(theirs[0]?["id"]?.stringValue)

            let both: JSONValue = ["flows": [["id": .string(bobsID), "name": "Bob's", "description": "v2"], ["id": .string(theirID), "name": "Admin's"]]]
            let (status, flows) = try await upload(client, Data(both.serialized().utf8), headers: bob)
            #expect(status == .created)
            #expect(flows[0]?["id"] == .string(bobsID))
            #expect(flows[0]?["description"] == "v2")
            #expect(flows[1]?["id"] != .string(theirID), "someone else's id becomes a new flow")
            #expect(flows[1]?["name"] == "Admin's")
            try await client.execute(uri: "/api/v1/flows/\(theirID)", method: .get, headers: langflow) { response in
                #expect(response.body.json()["user_id"] != flows[1]?["user_id"])
            }
            #expect(try await flowCount(server, "bob") == 2)

            // Names taken by other flows are renamed for new flows, and refused for overwrites.
            let (_, copy) = try await upload(client, Data(#"{"name":"Bob's"}"#.utf8), headers: bob)
            #expect(copy[0]?["name"] == "Bob's (1)")
            let clash: JSONValue = ["flows": [["name": "Fresh"], ["id": .string(bobsID), "name": "Admin's"]]]
            let (conflict, answer) = try await upload(client, Data(clash.serialized().utf8), headers: bob)
            #expect(conflict == .conflict)
            #expect(answer["detail"]?.stringValue?.hasPrefix("Name must be unique") == true)
            #expect(try await flowCount(server, "bob") == 3, "a refused upload writes nothing")
        }
    }

    @Test func aZipOfFlowsGoesIntoTheChosenProject() async throws {
        let server = try await TestServer()
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        let langflow = HTTPFields.bearer(try await server.accessToken(for: TestServer.superuser))
        let zip = try ZipArchive.make([
            ("one.json", Data(#"{"name":"One","data":{"nodes":[],"edges":[]}}"#.utf8)),
            ("dir/two.json", Data(#"{"flows":[{"name":"Two"},{"name":"Three"}]}"#.utf8)),
            ("readme.txt", Data("not a flow".utf8)),
            ("project.json", Data(#"{"project_type":"x"}"#.utf8)),
        ])
        try await server.app().test(.router) { client in
            let project = try await client.execute(uri: "/api/v1/projects/", method: .post, headers: bob + .json, body: ByteBuffer(string: #"{"name":"Inbox"}"#)) { response in
                response.body.json()
            }
            let projectID = try #require(project["id"]?.stringValue)
            let (status, flows) = try await upload(client, zip, filename: "flows.zip", query: "?folder_id=\(projectID)", headers: bob)
            #expect(status == .created)
            #expect(flows.arrayValue?.compactMap { $0["name"]?.stringValue } == ["One", "Two", "Three"])
            #expect(flows.arrayValue?.allSatisfy { $0["folder_id"] == .string(projectID) } == true)

            let adminProject = try await client.execute(uri: "/api/v1/projects/", method: .post, headers: langflow + .json, body: ByteBuffer(string: #"{"name":"Admin"}"#)) { response in
                response.body.json()
            }
            let (refused, answer) = try await upload(client, zip, query: "?folder_id=\(adminProject["id"]!.stringValue!)", headers: bob)
            #expect(refused == .notFound)
            #expect(answer == ["detail": "Project not found"])
        }
    }

    @Test func badUploadsAreRefusedAndWriteNothing() async throws {
        let server = try await TestServer()
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        let traversal = try ZipArchive.make([("ok.json", Data(#"{"name":"Fine"}"#.utf8)), ("../../evil.json", Data(#"{"name":"Evil"}"#.utf8))])
        let absolute = try ZipArchive.make([("/etc/evil.json", Data(#"{"name":"Evil"}"#.utf8))])
        let crowded = try ZipArchive.make((0...500).map { ("flow\($0).json", Data(#"{"name":"F\#($0)"}"#.utf8)) })
        let bomb = try ZipArchive.make([("bomb.json", Data(count: 51 * 1024 * 1024))])
        let cases: [(Data, HTTPResponse.Status, String?)] = [
            (Data(), .badRequest, "The uploaded file is empty"),
            (Data("{not json".utf8), .badRequest, nil),
            (Data("[1,2]".utf8), .unprocessableContent, nil),
            (Data(#"{"flows":[{"name":"A"},{"description":"nameless"}]}"#.utf8), .unprocessableContent, nil),
            (Data(#"{"flows":[{"name":"A","tags":5}]}"#.utf8), .unprocessableContent, nil),
            (Data(#"{"flows":[{"id":"8f1c7a52-3b7e-4f5e-9d55-0c1f1e2a3b4c","name":"A"},{"id":"8f1c7a52-3b7e-4f5e-9d55-0c1f1e2a3b4c","name":"B"}]}"#.utf8),
             .unprocessableContent, "Invalid upload: duplicate flow IDs are not allowed"),
            (traversal, .badRequest, #"The ZIP entry "../../evil.json" has an unsafe path"#),
            (absolute, .badRequest, #"The ZIP entry "/etc/evil.json" has an unsafe path"#),
            (crowded, .badRequest, "The ZIP archive has more than 500 entries"),
            (bomb, .badRequest, #"The ZIP entry "bomb.json" is larger than 50 MB uncompressed"#),
            (try ZipArchive.make([("notes.txt", Data("x".utf8))]), .badRequest, "No valid flow JSON files found in the ZIP"),
        ]
        try await server.app().test(.router) { client in
            for (content, status, detail) in cases {
                let (answer, body) = try await upload(client, content, headers: bob)
                #expect(answer == status, "\(body)")
                if let detail { #expect(body == ["detail": .string(detail)]) }
            }
            let form = MultipartForm.file(Data("{}".utf8), filename: "f.json", field: "upload")
            try await client.execute(uri: "/api/v1/flows/upload/", method: .post, headers: bob + form.headers, body: form.body) { response in
                #expect(response.status == .badRequest)
                #expect(response.body.json() == ["detail": "No file provided"])
            }
            try await client.execute(uri: "/api/v1/flows/upload/", method: .post, headers: bob + .json, body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/api/v1/flows/upload/?folder_id=nope", method: .post, headers: bob + form.headers, body: form.body) { response in
                #expect(response.status == .unprocessableContent)
            }
        }
        #expect(try await flowCount(server, "bob") == 0)
    }

    @Test func anOversizedUploadIsRefusedWith413() async throws {
        var server = try await TestServer()
        server.settings = ServerSettings(maxBodySize: 8 * 1024 * 1024, maxFileSizeUpload: 1)
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        try await server.app().test(.router) { client in
            let (status, body) = try await upload(client, Data(repeating: 0x20, count: 1024 * 1024 + 1), headers: bob)
            #expect(status == .contentTooLarge)
            #expect(body == ["detail": "File size is larger than the maximum file size 1MB."])
            try await client.execute(uri: "/api/v1/config", method: .get) { response in
                #expect(response.body.json()["max_file_size_upload"] == 1)
            }
        }
    }

    @Test func downloadingSeveralFlowsGivesAZipThatUploadsBack() async throws {
        let server = try await TestServer()
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        let langflow = HTTPFields.bearer(try await server.accessToken(for: TestServer.superuser))
        try await server.app().test(.router) { client in
            let file: JSONValue = ["flows": [["name": "Shout", "data": FlowDocuments.shout], ["name": "Fail", "data": FlowDocuments.failing]]]
            let (_, flows) = try await upload(client, Data(file.serialized().utf8), headers: bob)
            let ids = try #require(flows.arrayValue?.compactMap { $0["id"] })
            let (_, theirs) = try await upload(client, Data(#"{"name":"Theirs"}"#.utf8), headers: langflow)

            let (status, headers, zip) = try await download(client, ids + [theirs[0]!["id"]!, .string(UUID().uuidString)], headers: bob)
            #expect(status == .ok)
            #expect(headers[.contentType] == "application/x-zip-compressed")
            let disposition = try #require(headers[.contentDisposition])
            #expect(disposition.range(of: #"filename="\d{8}_\d{6}_langflow_flows\.zip""#, options: .regularExpression) != nil)
            let entries = try ZipArchive.jsonFiles(in: zip)
            #expect(Set(entries.map(\.path)) == ["Shout.json", "Fail.json"], "another user's flow is not included")

            let (again, overwritten) = try await upload(client, zip, filename: "back.zip", headers: bob)
            #expect(again == .created)
            #expect(Set(overwritten.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []) == Set(ids.compactMap(\.stringValue)))
            #expect(try await flowCount(server, "bob") == 2)

            let (none, _, body) = try await download(client, [theirs[0]!["id"]!], headers: bob)
            #expect(none == .notFound)
            #expect(try JSONValue(parsing: body) == ["detail": "No flows found."])
            try await client.execute(uri: "/api/v1/flows/download/", method: .post, headers: bob + .json, body: ByteBuffer(string: #"["nope"]"#)) { response in
                #expect(response.status == .unprocessableContent)
            }
        }
    }
}
