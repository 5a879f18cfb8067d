#if canImport(Glibc)
import Glibc
#endif
import Foundation
import LangBuilderCore
import LangBuilderHTTPClient
import LangBuilderTesting
import Testing

/// TLS is always verified: against `openssl s_server` on loopback with a self-signed certificate for
/// `localhost`.
@Suite struct TLSTests {
    typealias Fixture = HostServicesFixture

    /// `openssl s_server -www` with a fresh self-signed certificate (subjectAltName DNS:localhost).
    final class SelfSignedServer {
        let process = Process()
        let port: Int
        let certificate: String
        private let directory: URL

        init() throws {
            directory = try BundleFixtures.temporaryDirectory("tls")
            certificate = directory.appendingPathComponent("cert.pem").path
            let key = directory.appendingPathComponent("key.pem").path
            let made = try BundleFixtures.run(
                "/usr/bin/env",
                [
                    "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                ])
            guard made.status == 0 else { throw Fixture.FixtureError("openssl req failed: \(made.output)") }
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["openssl", "s_server", "-accept", "0", "-cert", certificate, "-key", key, "-www"]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            // s_server prints "ACCEPT [::]:<port>" once it listens.
            var text = ""
            var port: Int?
            while port == nil {
                let data = output.fileHandleForReading.availableData
                guard !data.isEmpty else { break }
                text += String(decoding: data, as: UTF8.self)
                if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("ACCEPT") }), let number = line.split(separator: ":").last {
                    port = Int(number.trimmingCharacters(in: .whitespaces))
                }
            }
            guard let port else {
                kill(process.processIdentifier, SIGKILL)
                throw Fixture.FixtureError("openssl s_server did not start: \(text)")
            }
            self.port = port
        }

        func stop() {
            // SIGKILL: the test process may hand its children a mask that blocks SIGTERM.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    @Test func refusesASelfSignedCertificate() async throws {
        let server = try SelfSignedServer()
        defer { server.stop() }
        let plan = try Fixture.plan("Fetch", ["url": .string("https://localhost:\(server.port)/")])
        let message = try #require(Fixture.failure(await Fixture.run(plan, Fixture.options(http: try CurlHTTPClient())).result))
        #expect(message.hasPrefix("Error running Fetch-1 (Fetch): http_request: TLS verification of localhost:\(server.port) failed: "), "\(message)")
        #expect(message.contains("self-signed certificate") || message.contains("self signed certificate"), "\(message)")
    }

    @Test func acceptsTheCertificateOnlyWhenTheOperatorTrustsItAndTheNameMatches() async throws {
        let server = try SelfSignedServer()
        defer { server.stop() }
        let trusting = try CurlHTTPClient(configuration: .init(caBundlePath: server.certificate))
        let trusted = try Fixture.plan("Fetch", ["url": .string("https://localhost:\(server.port)/")])
        let answer = try Fixture.response(await Fixture.run(trusted, Fixture.options(http: trusting)).result)
        #expect(answer.status == 200)
        #expect(answer.body.contains("s_server"), "\(answer.body.prefix(200))")

        // Trusted, but issued for localhost: the host name is checked too.
        let wrongName = try Fixture.plan("Fetch", ["url": .string("https://127.0.0.1:\(server.port)/")])
        let message = try #require(Fixture.failure(await Fixture.run(wrongName, Fixture.options(http: trusting)).result))
        #expect(message.hasPrefix("Error running Fetch-1 (Fetch): http_request: TLS verification of 127.0.0.1:\(server.port) failed: "), "\(message)")
    }
}
