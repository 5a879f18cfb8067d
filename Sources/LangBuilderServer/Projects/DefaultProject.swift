import Crypto
import Foundation
import HTTPTypes
import LangBuilderCore
import LangBuilderStorage

/// Every user's default project, Langflow's "Starter Project": where flows go when they are created or
/// imported without a project of the user's.
///
/// It is created on first need and has an id derived from the user's id, so two requests that both find it
/// missing create the same folder and one of them simply reads the other's. Deleting it is allowed (as in
/// Langflow): the next flow without a project brings it back, empty.
enum DefaultProject {
    static let name = "Starter Project"
    static let description = "Manage your own projects. Download and upload projects."

    /// The default project's id for a user: a name-based UUID (SHA-256 of a fixed prefix and the user id).
    static func id(for userID: UUID) -> UUID {
        var bytes = Array(SHA256.hash(data: Data(("langbuilder.default-project." + userID.lowercasedString).utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    /// The user's default project, created when missing.
    static func ensure(for userID: UUID, storage: any StorageDriver) async throws -> FolderRecord {
        let id = id(for: userID)
        if let folder = try await storage.folder(id: id) { return folder }
        var names = NameAllocator(taken: try await storage.folders(userID: userID).map(\.name))
        let folder = FolderRecord(id: id, name: names.claim(name), description: description, userID: userID)
        do {
            return try await storage.createFolder(folder)
        } catch StorageError.duplicate {
            guard let existing = try await storage.folder(id: id) else { throw StorageError.notFound }
            return existing
        }
    }

    /// Where a flow of `owner` goes: `requested` when it is one of the owner's projects, else the owner's
    /// default project (Langflow's `_validate_and_assign_folder`: a project id from another instance or another
    /// user is not an error).
    static func placement(_ requested: UUID?, owner: UUID, storage: any StorageDriver) async throws -> UUID {
        if let requested, let folder = try await storage.folder(id: requested), folder.userID == owner { return requested }
        return try await ensure(for: owner, storage: storage).id
    }
}
