import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LangBuilderCore
import LangBuilderServer
import LangBuilderStorage
import LangBuilderTesting
import Testing

/// `/api/v1/files/…` (per flow) and `/api/v2/files` (per user) over a temporary data directory.
@Suite struct FileTests {
    /// A server whose data directory is a fresh temporary folder, and bob's flow in it.
    private func setUp(maxFileSizeUpload: Int = 1) async throws -> (server: TestServer, directory: URL, flowID: String) {
        let directory = try BundleFixtures.temporaryDirectory("files")
        var server = try await TestServer()
        server.settings = ServerSettings(maxBodySize: 8 * 1024 * 1024, maxFileSizeUpload: maxFileSizeUpload, dataDirectory: directory)
        let bob = try #require(try await server.storage.user(username: "bob"))
        let flow = try await server.storage.createFlow(FlowRecord(name: "Holder", userID: bob.id))
        return (server, directory, flow.id.uuidString.lowercased())
    }

    private func send(
        _ client: some TestClientProtocol, _ uri: String, _ form: MultipartForm, headers: HTTPFields
    ) async throws -> (HTTPResponse.Status, JSONValue) {
        try await client.execute(uri: uri, method: .post, headers: headers + form.headers, body: form.body) { response in
            (response.status, response.body.json())
        }
    }

    /// Every regular file under `directory`, relative to it.
    private func files(under directory: URL) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        var found: [String] = []
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent(path).path, isDirectory: &isDirectory), !isDirectory.boolValue {
                found.append(path)
            }
        }
        return found.sorted()
    }

    @Test func flowFilesUploadListDownloadAndDelete() async throws {
        let (server, directory, flowID) = try await setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        let content = Data("hello, files\n".utf8)
        try await server.app().test(.router) { client in
            let (status, answer) = try await send(client, "/api/v1/files/upload/\(flowID)", .file(content, filename: "notes.txt", contentType: "text/plain"), headers: bob)
            #expect(status == .created)
            #expect(answer["flowId"] == .string(flowID))
            let path = try #require(answer["file_path"]?.stringValue)
            #expect(path.hasPrefix("\(flowID)/"))
            #expect(path.hasSuffix("_notes.txt"))
            let stored = String(path.dropFirst(flowID.count + 1))
            #expect(files(under: directory) == ["files/\(path)"])

            try await client.execute(uri: "/api/v1/files/list/\(flowID)", method: .get, headers: bob) { response in
                #expect(response.body.json() == ["files": [.string(stored)]])
            }
            try await client.execute(uri: "/api/v1/files/download/\(flowID)/\(stored)", method: .get, headers: bob) { response in
                #expect(response.status == .ok)
                #expect(Data(response.body.readableBytesView) == content)
                #expect(response.headers[.contentType] == "application/octet-stream")
                #expect(response.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"") == true)
            }
            try await client.execute(uri: "/api/v1/files/images/\(flowID)/\(stored)", method: .get, headers: bob) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/api/v1/files/delete/\(flowID)/\(stored)", method: .delete, headers: bob) { response in
                #expect(response.body.json() == ["message": .string("File \(stored) deleted successfully")])
            }
            try await client.execute(uri: "/api/v1/files/download/\(flowID)/\(stored)", method: .get, headers: bob) { response in
                #expect(response.status == .notFound)
                #expect(response.body.json() == ["detail": "File not found"])
            }
            #expect(files(under: directory).isEmpty)
        }
    }

    /// A flow's files go with it: deleted alone, in a batch, with its project or with its user; a user's own
    /// files stay while the user does, even when a batch names the user's id.
    @Test func flowFilesAreRemovedWithTheirFlow() async throws {
        let (server, directory, flowID) = try await setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        let langflow = HTTPFields.bearer(try await server.accessToken(for: "langflow"))
        let bobRecord = try #require(try await server.storage.user(username: "bob"))
        let bobID = bobRecord.id.uuidString.lowercased()
        let project = try await server.storage.createFolder(FolderRecord(name: "Kept", userID: bobRecord.id))
        let inProject = try await server.storage.createFlow(FlowRecord(name: "In project", userID: bobRecord.id, folderID: project.id))
        let batched = try await server.storage.createFlow(FlowRecord(name: "Batched", userID: bobRecord.id))
        let content = Data("x".utf8)
        try await server.app().test(.router) { client in
            for id in [flowID, inProject.id.uuidString.lowercased(), batched.id.uuidString.lowercased()] {
                let (status, _) = try await send(client, "/api/v1/files/upload/\(id)", .file(content, filename: "a.txt"), headers: bob)
                #expect(status == .created)
            }
            let (status, _) = try await send(client, "/api/v2/files", .file(content, filename: "mine.txt"), headers: bob)
            #expect(status == .created)
            func folders() -> Set<String> {
                Set(((try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("files").path)) ?? []).filter { !$0.hasPrefix(".") })
            }
            #expect(folders() == [flowID, inProject.id.uuidString.lowercased(), batched.id.uuidString.lowercased(), bobID])

            try await client.execute(uri: "/api/v1/flows/\(flowID)", method: .delete, headers: bob) { #expect($0.status == .ok) }
            #expect(!folders().contains(flowID))
            try await client.execute(
                uri: "/api/v1/flows", method: .delete, headers: bob + .json,
                body: ByteBuffer(string: "[\"\(batched.id.uuidString.lowercased())\", \"\(bobID)\"]")
            ) { #expect($0.status == .ok) }
            #expect(folders() == [inProject.id.uuidString.lowercased(), bobID], "the user's own folder stays")
            try await client.execute(uri: "/api/v1/projects/\(project.id.uuidString.lowercased())", method: .delete, headers: bob) {
                #expect($0.status == .noContent)
            }
            #expect(folders() == [bobID])
            try await client.execute(uri: "/api/v1/users/\(bobID)", method: .delete, headers: langflow) { #expect($0.status == .ok) }
            #expect(folders().isEmpty)
        }
    }

    @Test func imagesAreServedWithTheirType() async throws {
        let (server, directory, flowID) = try await setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3])
        try await server.app().test(.router) { client in
            let (_, answer) = try await send(client, "/api/v1/files/upload/\(flowID)", .file(png, filename: "dot.png", contentType: "image/png"), headers: bob)
            let path = try #require(answer["file_path"]?.stringValue)
            try await client.execute(uri: "/api/v1/files/images/\(path)", method: .get, headers: bob) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/png")
                #expect(Data(response.body.readableBytesView) == png)
            }
        }
    }

    static let unsafeNames = ["../escape.txt", "../../etc/passwd", "a/b.txt", "/etc/passwd", "..", ".", "nul\u{0}byte.txt", "back\\slash.txt", "C:\\windows.txt", "bell\u{7}char.txt"]

    @Test(arguments: unsafeNames)
    func unsafeNamesAreRefusedAndNothingIsWritten(_ name: String) async throws {
        let (server, directory, flowID) = try await setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        try await server.app().test(.router) { client in
            let (status, answer) = try await send(client, "/api/v1/files/upload/\(flowID)", .file(Data("x".utf8), filename: name), headers: bob)
            #expect(status == .badRequest, "\(answer)")
            #expect(answer["detail"]?.stringValue?.hasPrefix("Invalid file name") == true)
            let (v2, v2Answer) = try await send(client, "/api/v2/files", .file(Data("x".utf8), filename: name), headers: bob)
            #expect(v2 == .badRequest, "\(v2Answer)")
        }
        #expect(files(under: directory).isEmpty, "nothing written, no temporary file left")
        #expect(try await server.storage.files(userID: try #require(try await server.storage.user(username: "bob")).id).isEmpty)
    }

    @Test func traversalInPathsStaysInsideTheFlowsFolder() async throws {
        let (server, directory, flowID) = try await setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outside = directory.appendingPathComponent("secret.txt")
        try Data("secret".utf8).write(to: outside)
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        try await server.app().test(.router) { client in
            for uri in [
                "/api/v1/files/download/\(flowID)/..%2F..%2Fsecret.txt", "/api/v1/files/download/\(flowID)/%2E%2E",
                "/api/v1/files/download/\(flowID)/..%5C..%5Csecret.txt",
            ] {
                try await client.execute(uri: uri, method: .get, headers: bob) { response in
                    #expect(response.status == .badRequest || response.status == .notFound, "\(uri)")
                    #expect(String(buffer: response.body) != "secret")
                }
            }
            try await client.execute(uri: "/api/v1/files/delete/\(flowID)/..%2F..%2Fsecret.txt", method: .delete, headers: bob) { response in
                #expect(response.status == .badRequest || response.status == .notFound)
            }
        }
        #expect(FileManager.default.fileExists(atPath: outside.path))
    }

    @Test func oversizedUploadsGet413AndLeaveNoFile() async throws {
        let (server, directory, flowID) = try await setUp(maxFileSizeUpload: 1)
        defer { try? FileManager.default.removeItem(at: directory) }
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        let big = Data(repeating: 0x61, count: 1024 * 1024 + 1)
        try await server.app().test(.router) { client in
            for uri in ["/api/v1/files/upload/\(flowID)", "/api/v2/files"] {
                let (status, answer) = try await send(client, uri, .file(big, filename: "big.bin"), headers: bob)
                #expect(status == .contentTooLarge)
                #expect(answer == ["detail": "File size is larger than the maximum file size 1MB."])
            }
            let (exact, _) = try await send(client, "/api/v2/files", .file(Data(count: 1024 * 1024), filename: "exact.bin"), headers: bob)
            #expect(exact == .created)
        }
        #expect(files(under: directory).count == 1)
    }

    @Test func flowFilesBelongToTheFlowsOwner() async throws {
        let (server, directory, flowID) = try await setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        let langflow = HTTPFields.bearer(try await server.accessToken(for: TestServer.superuser))
        let admin = try #require(try await server.storage.user(username: TestServer.superuser))
        let adminFlow = try await server.storage.createFlow(FlowRecord(name: "Admin's", userID: admin.id)).id.uuidString.lowercased()
        try await server.app().test(.router) { client in
            let (status, answer) = try await send(client, "/api/v1/files/upload/\(adminFlow)", .file(Data("x".utf8), filename: "x.txt"), headers: bob)
            #expect(status == .notFound)
            #expect(answer == ["detail": "Flow not found"])
            try await client.execute(uri: "/api/v1/files/list/\(adminFlow)", method: .get, headers: bob) { response in
                #expect(response.status == .notFound)
            }
            let (own, _) = try await send(client, "/api/v1/files/upload/\(flowID)", .file(Data("x".utf8), filename: "x.txt"), headers: bob)
            #expect(own == .created)
            try await client.execute(uri: "/api/v1/files/list/\(flowID)", method: .get, headers: langflow) { response in
                #expect(response.status == .ok, "the superuser reaches every flow")
                #expect(response.body.json()["files"]?.arrayValue?.count == 1)
            }
            let form = MultipartForm.file(Data("x".utf8), filename: "x.txt", field: "other")
            let (missing, detail) = try await send(client, "/api/v1/files/upload/\(flowID)", form, headers: bob)
            #expect(missing == .unprocessableContent)
            #expect(detail["detail"]?[0]?["loc"] == ["body", "file"])
        }
    }

    @Test func withoutADataDirectoryFileRoutesAnswer503() async throws {
        let server = try await TestServer()
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        try await server.app().test(.router) { client in
            let (status, _) = try await send(client, "/api/v2/files", .file(Data("x".utf8), filename: "x.txt"), headers: bob)
            #expect(status == .serviceUnavailable)
        }
    }

    @Test func userFilesUploadListDownloadRenameAndDelete() async throws {
        let (server, directory, _) = try await setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        let bobID = try #require(try await server.storage.user(username: "bob")).id.uuidString.lowercased()
        let content = Data("a,b\n1,2\n".utf8)
        try await server.app().test(.router) { client in
            let (status, file) = try await send(client, "/api/v2/files", .file(content, filename: "table.csv", contentType: "text/csv"), headers: bob)
            #expect(status == .created)
            #expect(Set(file.objectValue?.keys ?? []) == ["id", "name", "path", "size", "provider"])
            #expect(file["name"] == "table")
            #expect(file["size"] == .number(Double(content.count)))
            let id = try #require(file["id"]?.stringValue)
            #expect(file["path"] == .string("files/\(bobID)/\(id).csv"))
            #expect(files(under: directory) == ["files/\(bobID)/\(id).csv"])

            let (_, second) = try await send(client, "/api/v2/files/", .file(content, filename: "table.csv"), headers: bob)
            #expect(second["name"] == "table (1)")

            try await client.execute(uri: "/api/v2/files", method: .get, headers: bob) { response in
                let list = response.body.json()
                #expect(list.arrayValue?.compactMap { $0["name"]?.stringValue } == ["table", "table (1)"])
                #expect(list[0]?["user_id"] == .string(bobID))
            }
            try await client.execute(uri: "/api/v2/files/\(id)", method: .get, headers: bob) { response in
                #expect(response.status == .ok)
                #expect(Data(response.body.readableBytesView) == content)
                #expect(response.headers[.contentDisposition] == #"attachment; filename="table.csv"; filename*=UTF-8''table.csv"#)
            }
            try await client.execute(uri: "/api/v2/files/\(id)?name=renamed", method: .put, headers: bob) { response in
                #expect(response.status == .ok)
                #expect(response.body.json()["name"] == "renamed")
            }
            try await client.execute(uri: "/api/v2/files/\(id)?name=..%2Fx", method: .put, headers: bob) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/api/v2/files/\(id)", method: .put, headers: bob) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/api/v2/files/batch/", method: .post, headers: bob + .json, body: ByteBuffer(string: JSONValue.array([.string(id), second["id"]!]).serialized())) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/x-zip-compressed")
                #expect(Data(response.body.readableBytesView).starts(with: [0x50, 0x4B]))
            }
            try await client.execute(uri: "/api/v2/files/\(id)", method: .delete, headers: bob) { response in
                #expect(response.body.json() == ["detail": "File renamed deleted successfully"])
            }
            try await client.execute(uri: "/api/v2/files/\(id)", method: .get, headers: bob) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v2/files/batch/", method: .delete, headers: bob + .json, body: ByteBuffer(string: JSONValue.array([.string(id)]).serialized())) { response in
                #expect(response.status == .notFound)
                #expect(response.body.json() == ["detail": "No files found"])
            }
            try await client.execute(uri: "/api/v2/files/batch/", method: .delete, headers: bob + .json, body: ByteBuffer(string: JSONValue.array([second["id"]!]).serialized())) { response in
                #expect(response.body.json() == ["message": "1 files deleted successfully"])
            }
            _ = try await send(client, "/api/v2/files", .file(content, filename: "a.txt"), headers: bob)
            _ = try await send(client, "/api/v2/files", .file(content, filename: "b"), headers: bob)
            try await client.execute(uri: "/api/v2/files", method: .delete, headers: bob) { response in
                #expect(response.body.json() == ["message": "All files deleted successfully"])
            }
        }
        #expect(files(under: directory).isEmpty)
    }

    @Test func userFilesBelongToTheirUser() async throws {
        let (server, directory, _) = try await setUp()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        let langflow = HTTPFields.bearer(try await server.accessToken(for: TestServer.superuser))
        try await server.app().test(.router) { client in
            let (_, file) = try await send(client, "/api/v2/files", .file(Data("mine".utf8), filename: "mine.txt"), headers: langflow)
            let id = try #require(file["id"]?.stringValue)
            for method in [HTTPRequest.Method.get, .delete] {
                try await client.execute(uri: "/api/v2/files/\(id)", method: method, headers: bob) { response in
                    #expect(response.status == .notFound)
                    #expect(response.body.json() == ["detail": "File not found"])
                }
            }
            try await client.execute(uri: "/api/v2/files", method: .get, headers: bob) { response in
                #expect(response.body.json() == [])
            }
            try await client.execute(uri: "/api/v2/files", method: .get) { response in
                #expect(response.status == .forbidden)
            }
        }
    }
}
