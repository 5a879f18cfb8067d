import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LangBuilderCore
import LangBuilderServer
import LangBuilderStorage
import LangBuilderStorageSQLite
import LangBuilderTesting
import Testing

/// `/api/v1/projects/`: CRUD, ownership, the default project, `/folders` redirects and ZIP round trips.
@Suite struct ProjectTests {
    private func json(_ value: JSONValue) -> ByteBuffer { ByteBuffer(string: value.serialized()) }

    private func createFlow(_ client: some TestClientProtocol, _ body: JSONValue, headers: HTTPFields) async throws -> JSONValue {
        try await client.execute(uri: "/api/v1/flows/", method: .post, headers: headers + .json, body: json(body)) { response in
            #expect(response.status == .created)
            return response.body.json()
        }
    }

    private func createProject(_ client: some TestClientProtocol, _ body: JSONValue, headers: HTTPFields) async throws -> JSONValue {
        try await client.execute(uri: "/api/v1/projects/", method: .post, headers: headers + .json, body: json(body)) { response in
            #expect(response.status == .created)
            return response.body.json()
        }
    }

    @Test func listingCreatesTheDefaultProjectWhereNewFlowsLand() async throws {
        let server = try await TestServer()
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        try await server.app().test(.router) { client in
            let projects = try await client.execute(uri: "/api/v1/projects/", method: .get, headers: bob) { response in
                #expect(response.status == .ok)
                return response.body.json()
            }
            #expect(projects.arrayValue?.count == 1)
            let starter = try #require(projects[0])
            #expect(Set(starter.objectValue?.keys ?? []) == ["name", "description", "auth_settings", "id", "parent_id", "owner_username", "is_owner"])
            #expect(starter["name"] == "Starter Project")
            #expect(starter["owner_username"] == "bob")
            #expect(starter["is_owner"] == true)
            #expect(starter["parent_id"] == .null)

            // A flow without a project, or with someone else's, lands in the default project.
            let flow = try await createFlow(client, ["name": "Loose"], headers: bob)
            #expect(flow["folder_id"] == starter["id"])
            let langflow = HTTPFields.bearer(try await server.accessToken(for: TestServer.superuser))
            let theirs = try await createProject(client, ["name": "Theirs"], headers: langflow)
            let stray = try await createFlow(client, ["name": "Stray", "folder_id": theirs["id"]!], headers: bob)
            #expect(stray["folder_id"] == starter["id"])
            // Listing again does not create a second one.
            try await client.execute(uri: "/api/v1/projects/", method: .get, headers: bob) { response in
                #expect(response.body.json().arrayValue?.count == 1)
            }
        }
    }

    @Test func creatingRenamesTakenNamesAndMovesTheUsersListedFlows() async throws {
        let server = try await TestServer()
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        let langflow = HTTPFields.bearer(try await server.accessToken(for: TestServer.superuser))
        try await server.app().test(.router) { client in
            let mine = try await createFlow(client, ["name": "Mine"], headers: bob)
            let component = try await createFlow(client, ["name": "Part", "is_component": true], headers: bob)
            let theirs = try await createFlow(client, ["name": "Theirs"], headers: langflow)
            let project = try await createProject(
                client,
                ["name": "Work", "description": "day job", "flows_list": [mine["id"]!, theirs["id"]!], "components_list": [component["id"]!]],
                headers: bob)
            #expect(project["name"] == "Work")
            #expect(project["description"] == "day job")
            let second = try await createProject(client, ["name": "Work"], headers: bob)
            #expect(second["name"] == "Work (1)")
            let third = try await createProject(client, ["name": "Work"], headers: bob)
            #expect(third["name"] == "Work (2)")

            let read = try await client.execute(uri: "/api/v1/projects/\(project["id"]!.stringValue!)", method: .get, headers: bob) { response in
                #expect(response.status == .ok)
                return response.body.json()
            }
            let names = Set(read["flows"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? [])
            #expect(names == ["Mine", "Part"])
            // The other user's flow did not move.
            try await client.execute(uri: "/api/v1/flows/\(theirs["id"]!.stringValue!)", method: .get, headers: langflow) { response in
                #expect(response.body.json()["folder_id"] == theirs["folder_id"])
            }
            try await client.execute(uri: "/api/v1/projects/", method: .post, headers: bob + .json, body: json(["description": "no name"])) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/api/v1/projects/", method: .post, headers: bob + .json, body: json(["name": "X", "flows_list": ["nope"]])) { response in
                #expect(response.status == .unprocessableContent)
            }
        }
    }

    @Test func readingPagesSearchesAndFiltersTheFlows() async throws {
        let server = try await TestServer()
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        try await server.app().test(.router) { client in
            let project = try await createProject(client, ["name": "Lab"], headers: bob)
            let id = try #require(project["id"]?.stringValue)
            for name in ["Alpha", "Beta", "alphabet"] {
                _ = try await createFlow(client, ["name": .string(name), "folder_id": .string(id)], headers: bob)
            }
            _ = try await createFlow(client, ["name": "Widget", "folder_id": .string(id), "is_component": true], headers: bob)

            try await client.execute(uri: "/api/v1/projects/\(id)?page=1&size=2", method: .get, headers: bob) { response in
                let page = response.body.json()
                #expect(page["folder"]?["name"] == "Lab")
                #expect(page["flows"]?["total"] == 4)
                #expect(page["flows"]?["pages"] == 2)
                #expect(page["flows"]?["size"] == 2)
                #expect(page["flows"]?["items"]?.arrayValue?.count == 2)
            }
            try await client.execute(uri: "/api/v1/projects/\(id)?page=1&size=10&search=ALPHA", method: .get, headers: bob) { response in
                let names = Set(response.body.json()["flows"]?["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? [])
                #expect(names == ["Alpha", "alphabet"])
            }
            try await client.execute(uri: "/api/v1/projects/\(id)?page=1&size=10&is_component=true", method: .get, headers: bob) { response in
                #expect(response.body.json()["flows"]?["items"]?[0]?["name"] == "Widget")
                #expect(response.body.json()["flows"]?["total"] == 1)
            }
            try await client.execute(uri: "/api/v1/projects/\(id)?page=1&size=10&is_flow=true", method: .get, headers: bob) { response in
                #expect(response.body.json()["flows"]?["total"] == 3)
            }
            try await client.execute(uri: "/api/v1/projects/\(id)?page=0&size=10", method: .get, headers: bob) { response in
                #expect(response.status == .unprocessableContent)
            }
        }
    }

    @Test func patchingRenamesAndNestsAndRefusesTakenNamesAndCycles() async throws {
        let server = try await TestServer()
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        try await server.app().test(.router) { client in
            let outer = try await createProject(client, ["name": "Outer"], headers: bob)
            let inner = try await createProject(client, ["name": "Inner"], headers: bob)
            let outerID = try #require(outer["id"]?.stringValue)
            let innerID = try #require(inner["id"]?.stringValue)
            try await client.execute(
                uri: "/api/v1/projects/\(innerID)", method: .patch, headers: bob + .json, body: json(["name": "Core", "description": "d", "parent_id": .string(outerID)])
            ) { response in
                #expect(response.status == .ok)
                let project = response.body.json()
                #expect(project["name"] == "Core")
                #expect(project["description"] == "d")
                #expect(project["parent_id"] == .string(outerID))
            }
            try await client.execute(uri: "/api/v1/projects/\(outerID)", method: .patch, headers: bob + .json, body: json(["parent_id": .string(innerID)])) { response in
                #expect(response.status == .badRequest)
                #expect(response.body.json() == ["detail": "A project cannot be moved inside itself"])
            }
            try await client.execute(uri: "/api/v1/projects/\(outerID)", method: .put, headers: bob + .json, body: json(["name": "Core"])) { response in
                #expect(response.status == .badRequest)
                #expect(response.body.json() == ["detail": "Project name must be unique"])
            }
        }
    }

    @Test func deletingAProjectDeletesItsFlowsAndTheDefaultProjectComesBack() async throws {
        let server = try await TestServer()
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        try await server.app().test(.router) { client in
            let project = try await createProject(client, ["name": "Doomed"], headers: bob)
            let id = try #require(project["id"]?.stringValue)
            let flow = try await createFlow(client, ["name": "Inside", "folder_id": .string(id)], headers: bob)
            try await client.execute(uri: "/api/v1/projects/\(id)", method: .delete, headers: bob) { response in
                #expect(response.status == .noContent)
            }
            try await client.execute(uri: "/api/v1/flows/\(flow["id"]!.stringValue!)", method: .get, headers: bob) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/projects/\(id)", method: .get, headers: bob) { response in
                #expect(response.status == .notFound)
                #expect(response.body.json() == ["detail": "Project not found"])
            }

            let loose = try await createFlow(client, ["name": "Loose"], headers: bob)
            let defaultID = try #require(loose["folder_id"]?.stringValue)
            try await client.execute(uri: "/api/v1/projects/\(defaultID)", method: .delete, headers: bob) { response in
                #expect(response.status == .noContent)
            }
            let again = try await createFlow(client, ["name": "Again"], headers: bob)
            #expect(again["folder_id"]?.stringValue == defaultID)
            try await client.execute(uri: "/api/v1/projects/", method: .get, headers: bob) { response in
                #expect(response.body.json()[0]?["name"] == "Starter Project")
            }
        }
    }

    @Test func projectsAreOwnedAndTheSuperuserReachesEveryone() async throws {
        let server = try await TestServer()
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        let langflow = HTTPFields.bearer(try await server.accessToken(for: TestServer.superuser))
        try await server.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/projects/", method: .get) { response in
                #expect(response.status == .forbidden)
                #expect(response.body.json() == ["detail": "No authentication credentials provided"])
            }
            let admins = try await createProject(client, ["name": "Admin"], headers: langflow)
            let adminID = try #require(admins["id"]?.stringValue)
            _ = try await createFlow(client, ["name": "Secret", "folder_id": .string(adminID)], headers: langflow)
            for (method, uri) in [
                (HTTPRequest.Method.get, "/api/v1/projects/\(adminID)"), (.patch, "/api/v1/projects/\(adminID)"),
                (.delete, "/api/v1/projects/\(adminID)"), (.get, "/api/v1/projects/download/\(adminID)"),
            ] {
                try await client.execute(uri: uri, method: method, headers: bob + .json, body: json(["name": "Mine now"])) { response in
                    #expect(response.status == .notFound, "\(method) \(uri)")
                    #expect(response.body.json() == ["detail": "Project not found"])
                }
            }
            try await client.execute(uri: "/api/v1/projects/", method: .get, headers: bob) { response in
                #expect(response.body.json().arrayValue?.contains { $0["name"] == "Admin" } == false)
            }

            let bobs = try await createProject(client, ["name": "Bob's"], headers: bob)
            _ = try await createFlow(client, ["name": "Hers", "folder_id": bobs["id"]!], headers: bob)
            try await client.execute(uri: "/api/v1/projects/\(bobs["id"]!.stringValue!)", method: .get, headers: langflow) { response in
                #expect(response.status == .ok)
                let project = response.body.json()
                #expect(project["owner_username"] == "bob")
                #expect(project["is_owner"] == false)
                #expect(project["flows"]?[0]?["name"] == "Hers")
            }
            try await client.execute(uri: "/api/v1/projects/not-a-uuid", method: .get, headers: bob) { response in
                #expect(response.status == .unprocessableContent)
            }
        }
    }

    @Test func foldersRedirectToProjectsWithTheQueryKept() async throws {
        let server = try await TestServer()
        try await server.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/folders/", method: .get) { response in
                #expect(response.status == .temporaryRedirect)
                #expect(response.headers[.location] == "/api/v1/projects/")
            }
            let id = UUID().uuidString.lowercased()
            try await client.execute(uri: "/api/v1/folders/\(id)?page=1&size=2", method: .get) { response in
                #expect(response.status == .temporaryRedirect)
                #expect(response.headers[.location] == "/api/v1/projects/\(id)?page=1&size=2")
            }
            try await client.execute(uri: "/api/v1/folders/download/\(id)", method: .get) { response in
                #expect(response.headers[.location] == "/api/v1/projects/download/\(id)")
            }
            try await client.execute(uri: "/api/v1/folders/", method: .post, body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .temporaryRedirect)
            }
        }
    }

    @Test func aProjectDownloadUploadsBackAsANewProjectWithTheSameFlows() async throws {
        let directory = try BundleFixtures.temporaryDirectory("projects")
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await TestServer(storage: try SQLiteStorageDriver(path: directory.appendingPathComponent("db.sqlite").path))
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        try await server.app().test(.router) { client in
            let project = try await createProject(client, ["name": "Trip", "description": "round"], headers: bob)
            let id = try #require(project["id"]?.stringValue)
            let shout = try await createFlow(
                client, ["name": "Shout", "folder_id": .string(id), "data": FlowDocuments.shout, "endpoint_name": "shout", "tags": ["a"]], headers: bob)
            _ = try await createFlow(client, ["name": "Dull/Name", "folder_id": .string(id), "data": FlowDocuments.failing], headers: bob)
            let empty = try #require(try await createProject(client, ["name": "Empty"], headers: bob)["id"]?.stringValue)
            try await client.execute(uri: "/api/v1/projects/download/\(empty)", method: .get, headers: bob) { response in
                #expect(response.status == .notFound)
                #expect(response.body.json() == ["detail": "No flows found in project"])
            }

            let zip = try await client.execute(uri: "/api/v1/projects/download/\(id)", method: .get, headers: bob) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/x-zip-compressed")
                let disposition = try #require(response.headers[.contentDisposition])
                #expect(disposition.hasPrefix("attachment; filename=\""))
                #expect(disposition.contains("_Trip_flows.zip"))
                return Data(response.body.readableBytesView)
            }
            #expect(zip.starts(with: [0x50, 0x4B, 0x03, 0x04]))

            let form = MultipartForm.file(zip, filename: "Trip backup.zip", contentType: "application/zip")
            let flows = try await client.execute(uri: "/api/v1/projects/upload/", method: .post, headers: bob + form.headers, body: form.body) { response in
                #expect(response.status == .created)
                return response.body.json()
            }
            let uploaded = try #require(flows.arrayValue)
            #expect(Set(uploaded.compactMap { $0["name"]?.stringValue }) == ["Shout (1)", "Dull/Name (1)"])
            let copy = try #require(uploaded.first { $0["name"] == "Shout (1)" })
            #expect(copy["id"] != shout["id"])
            #expect(copy["data"] == shout["data"])
            #expect(copy["tags"] == ["a"])
            #expect(copy["endpoint_name"] == "shout-1")
            let newProject = try #require(copy["folder_id"]?.stringValue)
            #expect(newProject != id)
            try await client.execute(uri: "/api/v1/projects/\(newProject)", method: .get, headers: bob) { response in
                #expect(response.body.json()["name"] == "Trip backup")
                #expect(response.body.json()["flows"]?.arrayValue?.count == 2)
            }
        }
    }

    @Test func aProjectUploadTakesLangflowsJSONFormAndRefusesBadFiles() async throws {
        let server = try await TestServer()
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        try await server.app().test(.router) { client in
            let document: JSONValue = ["folder_name": "From JSON", "folder_description": "old export", "flows": [["name": "One", "data": FlowDocuments.shout]]]
            let form = MultipartForm.file(Data(document.serialized().utf8), filename: "x.json", contentType: "application/json")
            let flows = try await client.execute(uri: "/api/v1/projects/upload/", method: .post, headers: bob + form.headers, body: form.body) { response in
                #expect(response.status == .created)
                return response.body.json()
            }
            let folderID = try #require(flows[0]?["folder_id"]?.stringValue)
            try await client.execute(uri: "/api/v1/projects/\(folderID)", method: .get, headers: bob) { response in
                #expect(response.body.json()["name"] == "From JSON")
                #expect(response.body.json()["description"] == "old export")
            }

            let before = try await server.storage.folders(userID: try #require(try await server.storage.user(username: "bob")).id).count
            for (content, status, detail) in [
                (Data(#"{"folder_name":"x"}"#.utf8), HTTPResponse.Status.badRequest, "Missing required field(s): flows"),
                (Data("not json".utf8), .badRequest, nil),
                (Data(#"{"folder_name":"x","flows":[{"description":"no name"}]}"#.utf8), .unprocessableContent, nil),
            ] {
                let bad = MultipartForm.file(content, filename: "bad.json")
                try await client.execute(uri: "/api/v1/projects/upload/", method: .post, headers: bob + bad.headers, body: bad.body) { response in
                    #expect(response.status == status)
                    if let detail { #expect(response.body.json() == ["detail": .string(detail)]) }
                }
            }
            let noFile = MultipartForm.file(Data("{}".utf8), filename: "x.json", field: "other")
            try await client.execute(uri: "/api/v1/projects/upload/", method: .post, headers: bob + noFile.headers, body: noFile.body) { response in
                #expect(response.status == .badRequest)
                #expect(response.body.json() == ["detail": "No file provided"])
            }
            // Failed uploads leave no project behind.
            #expect(try await server.storage.folders(userID: try #require(try await server.storage.user(username: "bob")).id).count == before)
        }
    }
}
