import CLangBuilderABI
import Testing

/// Pins the size and field offsets of every ABI struct on 64-bit little-endian Linux (cf. GStreamer's gstabi.c).
/// A failure here means the header changed the binary layout: only appending fields at the end is allowed,
/// and then the new size and offsets are added here with the minor version that introduced them.
@Suite struct ABILayoutTests {
    @Test func versionMacros() {
        #expect(LB_ABI_MAJOR == 1)
        #expect(LB_ABI_MINOR == 4)
        #expect(UInt32(LB_ABI_MAJOR) << 16 | UInt32(LB_ABI_MINOR) == 0x0001_0004)
        #expect(LB_ENTRY_SYMBOL == "lb_bundle_entry")
        #expect(LB_BYTE_ORDER_MARK == 0x0102_0304)
    }

    @Test func valueKindsAndStatusCodes() {
        #expect([LB_VALUE_ABSENT, LB_VALUE_NULL, LB_VALUE_BOOL, LB_VALUE_INT, LB_VALUE_DOUBLE, LB_VALUE_STRING, LB_VALUE_BYTES, LB_VALUE_JSON, LB_VALUE_OBJECT] == [0, 1, 2, 3, 4, 5, 6, 7, 8])
        #expect([LB_OK, LB_ERROR, LB_CANCELLED, LB_NOT_FOUND, LB_UNSUPPORTED] == [0, 1, 2, 3, 4])
        #expect([LB_LANGUAGE_C, LB_LANGUAGE_SWIFT, LB_LANGUAGE_OTHER] == [0, 1, 2])
        #expect([LB_INPUT_REQUIRED, LB_INPUT_LIST, LB_INPUT_ADVANCED, LB_INPUT_HIDDEN, LB_INPUT_SECRET, LB_INPUT_MULTILINE, LB_INPUT_HANDLE] == [1, 2, 4, 8, 16, 32, 64])
        #expect([LB_COMPONENT_THREADSAFE, LB_COMPONENT_BETA, LB_COMPONENT_LEGACY, LB_COMPONENT_EXTRA_INPUTS] == [1, 2, 4, 8])
    }

    @Test func valueLayout() {
        #expect(MemoryLayout<lb_string>.size == 16)
        #expect(MemoryLayout<lb_bytes>.size == 16)
        #expect(MemoryLayout<lb_object>.size == 16)
        #expect(MemoryLayout<lb_value>.size == 32)
        #expect(MemoryLayout<lb_value>.offset(of: \.kind) == 4)
        #expect(MemoryLayout<lb_value>.offset(of: \.type_name) == 8)
        #expect(MemoryLayout<lb_value>.offset(of: \.u) == 16)
        #expect(MemoryLayout<lb_object_vtable>.size == 32)
        #expect(MemoryLayout<lb_object_vtable>.offset(of: \.invoke) == 24)
    }

    @Test func hostTableLayout() {
        // ABI 1.0 ended at get_input_name (80 bytes); 1.2 appended the host service table (128); 1.3 run_flow.
        #expect(MemoryLayout<lb_host_api>.size == 136)
        let offsets: [Int?] = [
            MemoryLayout<lb_host_api>.offset(of: \.abi_version), MemoryLayout<lb_host_api>.offset(of: \.log),
            MemoryLayout<lb_host_api>.offset(of: \.alloc), MemoryLayout<lb_host_api>.offset(of: \.set_error),
            MemoryLayout<lb_host_api>.offset(of: \.emit), MemoryLayout<lb_host_api>.offset(of: \.get_variable),
            MemoryLayout<lb_host_api>.offset(of: \.is_cancelled), MemoryLayout<lb_host_api>.offset(of: \.get_info),
            MemoryLayout<lb_host_api>.offset(of: \.http_request), MemoryLayout<lb_host_api>.offset(of: \.get_input_name),
        ]
        #expect(offsets == [4, 8, 16, 24, 32, 40, 48, 56, 64, 72])
        let offsets11: [Int?] = [
            MemoryLayout<lb_host_api>.offset(of: \.emit_token), MemoryLayout<lb_host_api>.offset(of: \.get_messages),
            MemoryLayout<lb_host_api>.offset(of: \.add_message), MemoryLayout<lb_host_api>.offset(of: \.get_state),
            MemoryLayout<lb_host_api>.offset(of: \.set_state), MemoryLayout<lb_host_api>.offset(of: \.get_error),
        ]
        #expect(offsets11 == [80, 88, 96, 104, 112, 120])
        #expect(MemoryLayout<lb_host_api>.offset(of: \.run_flow) == 128)  // ABI 1.3
        #expect(MemoryLayout<lb_http_header>.size == 32)
        // ABI 1.0 ended at user_data (80 bytes); 1.1 appended connect_timeout_ms, reserved, max_response_bytes.
        #expect(MemoryLayout<lb_http_request>.size == 96)
        #expect(MemoryLayout<lb_http_request>.offset(of: \.on_chunk) == 64)
        #expect(MemoryLayout<lb_http_request>.offset(of: \.user_data) == 72)
        #expect(MemoryLayout<lb_http_request>.offset(of: \.connect_timeout_ms) == 80)
        #expect(MemoryLayout<lb_http_request>.offset(of: \.reserved) == 84)
        #expect(MemoryLayout<lb_http_request>.offset(of: \.max_response_bytes) == 88)
        #expect(MemoryLayout<lb_http_response>.size == 40)
        #expect(MemoryLayout<lb_http_response>.offset(of: \.body) == 24)
        #expect(MemoryLayout<lb_message_query>.size == 32)
        let queryOffsets: [Int?] = [
            MemoryLayout<lb_message_query>.offset(of: \.limit), MemoryLayout<lb_message_query>.offset(of: \.session_id),
            MemoryLayout<lb_message_query>.offset(of: \.sender), MemoryLayout<lb_message_query>.offset(of: \.sender_name),
        ]
        #expect(queryOffsets == [4, 8, 16, 24])
    }

    @Test func portAndComponentLayout() {
        #expect(MemoryLayout<lb_input_port>.size == 64)
        #expect(MemoryLayout<lb_input_port>.offset(of: \.options) == 56)
        #expect(MemoryLayout<lb_output_port>.size == 32)
        #expect(MemoryLayout<lb_output_port>.offset(of: \.types) == 24)
        #expect(MemoryLayout<lb_component>.size == 128)
        let offsets: [Int?] = [
            MemoryLayout<lb_component>.offset(of: \.type_name), MemoryLayout<lb_component>.offset(of: \.inputs),
            MemoryLayout<lb_component>.offset(of: \.input_count), MemoryLayout<lb_component>.offset(of: \.input_stride),
            MemoryLayout<lb_component>.offset(of: \.outputs), MemoryLayout<lb_component>.offset(of: \.output_count),
            MemoryLayout<lb_component>.offset(of: \.create), MemoryLayout<lb_component>.offset(of: \.run),
            MemoryLayout<lb_component>.offset(of: \.destroy), MemoryLayout<lb_component>.offset(of: \.user_data),
            MemoryLayout<lb_component>.offset(of: \.documentation), MemoryLayout<lb_component>.offset(of: \.aliases),
        ]
        #expect(offsets == [8, 48, 56, 60, 64, 72, 80, 88, 96, 104, 112, 120])
        #expect(MemoryLayout<lb_function>.size == 80)
        #expect(MemoryLayout<lb_function>.offset(of: \.signature) == 40)
        #expect(MemoryLayout<lb_function>.offset(of: \.function) == 64)
    }

    @Test func descriptorLayout() {
        #expect(MemoryLayout<lb_fingerprint>.size == 32)
        #expect(MemoryLayout<lb_fingerprint>.offset(of: \.swift_compiler_version) == 24)
        #expect(MemoryLayout<lb_bundle_descriptor>.size == 104)
        let offsets: [Int?] = [
            MemoryLayout<lb_bundle_descriptor>.offset(of: \.abi_version), MemoryLayout<lb_bundle_descriptor>.offset(of: \.fingerprint),
            MemoryLayout<lb_bundle_descriptor>.offset(of: \.id), MemoryLayout<lb_bundle_descriptor>.offset(of: \.components),
            MemoryLayout<lb_bundle_descriptor>.offset(of: \.component_count), MemoryLayout<lb_bundle_descriptor>.offset(of: \.functions),
            MemoryLayout<lb_bundle_descriptor>.offset(of: \.extension),
        ]
        #expect(offsets == [4, 8, 16, 64, 72, 80, 96])
    }
}
