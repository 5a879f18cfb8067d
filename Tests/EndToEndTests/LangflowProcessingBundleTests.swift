import Foundation
import LangBuilderCore
import LangBuilderTesting
import Testing

/// `liblangflow-processing.so`, loaded with `dlopen`: each component called through the ABI with real values and
/// bad ones, and flows in Langflow's export format built and run by the engine.
@Suite struct LangflowProcessingBundleTests {
    static func registry() throws -> ComponentRegistry { try LangflowBundles.registry(.processing) }

    private func call(_ component: String, _ inputs: [String: Value] = [:], extra: [(String, Value?)] = []) throws -> [String: Value] {
        try LangflowBundles.call(component, in: try Self.registry(), inputs, extra: extra)
    }

    private func failure(_ component: String, _ inputs: [String: Value] = [:], extra: [(String, Value?)] = []) throws -> String {
        try LangflowBundles.failure(component, in: try Self.registry(), inputs, extra: extra)
    }

    /// The text of the Message on `output`.
    private func text(_ outputs: [String: Value], _ output: String) throws -> String? {
        let value = try #require(outputs[output], "no \(output) output")
        #expect(value.jsonType == "Message")
        return value.document?["text"]?.stringValue
    }

    // MARK: - Prompt Template

    @Test func promptFillsItsVariablesFromExtraFields() throws {
        let outputs = try call(
            "Prompt Template", ["template": .string("Hello {name}, you are {age}.")],
            extra: [("name", .message("Ada")), ("age", .int(36))])
        #expect(try text(outputs, "prompt") == "Hello Ada, you are 36.")
        let message = try #require(outputs["prompt"]?.document)
        #expect(message["session_id"] == "session-1")
        #expect(message["sender"] == .null)
        let timestamp = try #require(message["timestamp"]?.stringValue)
        #expect(timestamp.wholeMatch(of: /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/) != nil, "\(timestamp)")
    }

    @Test func promptKeepsDoubledBracesAndFillsEmptyVariablesWithNothing() throws {
        let outputs = try call("Prompt Template", ["template": .string(#"{{"key": 1}} [{x}] [{y}]"#)], extra: [("x", .string("1")), ("y", nil)])
        #expect(try text(outputs, "prompt") == #"{"key": 1} [1] []"#)
    }

    @Test func promptReadsDataAndListsAsText() throws {
        let outputs = try call(
            "Prompt Template", ["template": .string("{doc} / {items}")],
            extra: [("doc", .data(["text": "from data", "id": 1])), ("items", .list([["text": "a"], ["text": "b"]]))])
        #expect(try text(outputs, "prompt") == "from data / ['a', 'b']")
    }

    @Test func promptWithDoubleBracketsSubstitutesMustacheVariablesOnly() throws {
        let outputs = try call(
            "Prompt Template", ["template": .string("Hi {{name}}, {single} {{name}}"), "use_double_brackets": .bool(true)],
            extra: [("name", .string("{{Ada}}"))])
        #expect(try text(outputs, "prompt") == "Hi {{Ada}}, {single} {{Ada}}", "values are not rendered again")
    }

    @Test(arguments: ["{{#items}}x{{/items}}", "{{{raw}}}", "{{> partial}}", "{{! comment}}"])
    func promptRefusesMustacheSectionsPartialsAndComments(template: String) throws {
        let message = try failure("Prompt Template", ["template": .string(template), "use_double_brackets": .bool(true)])
        #expect(message == "Prompt Template: Complex mustache syntax is not allowed. Only simple variable substitution like {{variable}} is permitted.")
    }

    @Test func promptRefusesAMustacheVariableThatIsNotAName() throws {
        let message = try failure("Prompt Template", ["template": .string("{{a-b}}"), "use_double_brackets": .bool(true)])
        #expect(message == "Prompt Template: Invalid mustache variable: {{a-b}}. Only simple variable names like {{variable}} are allowed.")
    }

    @Test func promptFailsForAVariableTheNodeHasNoFieldFor() throws {
        let message = try failure("Prompt Template", ["template": .string("{x} and {missing}")], extra: [("x", .string("1"))])
        #expect(message == "Prompt Template: the template uses {missing}, but the node has no field 'missing' (its variables are x)")
    }

    @Test(arguments: [
        ("Hello {name", "expected '}' before end of string"),
        ("a } b", "Single '}' encountered in format string"),
        ("{0}", "positional field {0} is not supported: name the variable, as in {name}"),
        ("{x!r}", "the conversion in {x!r} is not supported: use {x}"),
        ("{x.y}", "{x.y}: variable names cannot contain attribute access (.) or indexing ([])"),
    ])
    func promptRefusesATemplatePythonCannotFormat(template: String, reason: String) throws {
        #expect(try failure("Prompt Template", ["template": .string(template)], extra: [("x", .string("1"))]) == "Prompt Template: invalid template: \(reason)")
    }

    @Test func promptRefusesAnOversizeTemplate() throws {
        let template = String(repeating: "a", count: (1 << 20) + 1)
        #expect(try failure("Prompt Template", ["template": .string(template)]) == "Prompt Template: input 'template' is 1048577 bytes, more than the limit of 1048576 bytes")
    }

    @Test func promptIsListedUnderItsRegistryKeyAndFoundByLangflowsLegacyKey() throws {
        let registry = try Self.registry()
        #expect(registry.component(named: "Prompt")?.typeName == "Prompt Template")
        #expect(registry.component(named: "parser")?.typeName == "ParserComponent")
        #expect(registry.component(named: "TypeConverter")?.typeName == "TypeConverterComponent")
        let catalog = registry.langflowCatalog()
        #expect(catalog["models_and_agents"]?.objectValue?.keys.map { $0 } == ["Prompt Template"])
        #expect(catalog["processing"]?["parser"] == nil, "aliases are not listed")
        let prompt = try #require(catalog["models_and_agents"]?["Prompt Template"])
        #expect(prompt["template"]?["template"]?["_input_type"] == "PromptInput")
        #expect(prompt["template"]?["use_double_brackets"]?["advanced"] == true)
        #expect(prompt["template"]?["tool_placeholder"]?["show"] == false)
        #expect(prompt["outputs"]?.arrayValue?.map { $0["name"] } == ["prompt"])
        #expect(prompt["field_order"] == ["template", "use_double_brackets", "tool_placeholder"])
        #expect(catalog["processing"]?["CombineText"]?["legacy"] == true)
    }

    // MARK: - Prompt Template in Langflow's own export

    /// `Tests/Fixtures/langflow/chat-prompt-chat.json`, a real export: ChatInput → Prompt (data.type "Prompt",
    /// custom field `x`, template "Echo: {x}") → ChatOutput; ChatInput and ChatOutput come from the engine test bundle.
    @Test func runsLangflowsChatPromptChatExportUnchanged() async throws {
        let registry = try LangflowBundles.registry(.engine, .processing)
        let data = try Data(contentsOf: BundleFixtures.packageRoot.appendingPathComponent("Tests/Fixtures/langflow/chat-prompt-chat.json"))
        let flow = try Flow(parsing: data)
        #expect(flow.nodes.map(\.componentType) == ["ChatInput", "Prompt", "ChatOutput"])
        let builder = FlowBuilder(registry: registry)
        let plain = try await FlowRunner().run(try builder.build(flow, inputValue: "hello"), options: RunOptions(inputValue: "hello"))
        #expect(plain.outputText == "Echo: hello")
        #expect(plain.vertices.first { $0.id == "Prompt-WsDNg" }?.outputs["prompt"]?.text == "Echo: hello")

        let tweaked = try builder.build(flow, tweaks: ["Prompt-WsDNg": ["template": "Tweaked: {x}!"]], inputValue: "again")
        #expect(try await FlowRunner().run(tweaked, options: RunOptions()).outputText == "Tweaked: again!")
    }

    // MARK: - Combine Text

    @Test func combineTextJoinsWithTheDelimiter() throws {
        #expect(try text(try call("CombineText", ["text1": .string("Hello"), "text2": .message("World"), "delimiter": .string(", ")]), "combined_text") == "Hello, World")
        #expect(try text(try call("CombineText", ["text1": .string("a"), "text2": .string("b")]), "combined_text") == "ab", "an empty delimiter")
        #expect(try text(try call("CombineText"), "combined_text") == "")
    }

    @Test func combineTextRefusesAMessageThatIsNotJSON() throws {
        let message = try failure("CombineText", ["text1": .json(type: "Message", text: "{not json"), "text2": .string("b")])
        #expect(message.hasPrefix("CombineText: input 'text1' holds a Message that is not valid JSON: "), "\(message)")
    }

    // MARK: - Parser

    static let people: JSONValue = [["name": "Ada", "age": 36], ["name": "Alan", "age": .number(41.5)]]

    @Test func parserFormatsEachRowOfATable() throws {
        let outputs = try call("ParserComponent", ["input_data": .dataFrame(Self.people), "pattern": .string("{name} is {age}"), "sep": .string("\n")])
        #expect(try text(outputs, "parsed_text") == "Ada is 36\nAlan is 41.5")
    }

    @Test func parserFillsKeysMissingFromADataWithNothing() throws {
        let outputs = try call("parser", ["input_data": .data(["name": "Ada", "ok": true]), "pattern": .string("{name}/{missing}/{ok}")])
        #expect(try text(outputs, "parsed_text") == "Ada//True")
        let list = try call("ParserComponent", ["input_data": .list([["name": "a"], ["name": "b"]]), "pattern": .string("<{name}>"), "sep": .string(",")])
        #expect(try text(list, "parsed_text") == "<a>,<b>")
    }

    @Test func parserFailsForAColumnTheTableDoesNotHave() throws {
        let message = try failure("ParserComponent", ["input_data": .dataFrame(Self.people), "pattern": .string("{city}")])
        #expect(message == "ParserComponent: the template names a column the table does not have (KeyError: 'city'); columns: name, age")
    }

    @Test func parserStringifiesDataAsAJSONBlockAndTablesAsMarkdown() throws {
        let data = try call("ParserComponent", ["input_data": .data(["a": 1, "b": ["x"]]), "mode": .string("Stringify")])
        #expect(try text(data, "parsed_text") == "```json\n{\n  \"a\": 1,\n  \"b\": [\n    \"x\"\n  ]\n}\n```")
        let table = try call("ParserComponent", ["input_data": .dataFrame(Self.people), "mode": .string("Stringify")])
        // tabulate aligns a number column on the decimal point.
        #expect(try text(table, "parsed_text") == "| name   |   age |\n|:-------|------:|\n| Ada    |  36   |\n| Alan   |  41.5 |")
    }

    @Test func parserRefusesTextAndAnUnknownMode() throws {
        #expect(try failure("ParserComponent", ["input_data": .string("plain")]) == "ParserComponent: unsupported input type: text. Expected DataFrame, Data, or list[Data].")
        #expect(try failure("ParserComponent", ["input_data": .data([:]), "mode": .string("Shout")]) == "ParserComponent: mode must be Parser or Stringify, found 'Shout'")
        #expect(try failure("ParserComponent", [:]) == "ParserComponent: input 'input_data' has no value")
    }

    // MARK: - Split Text

    @Test func splitTextSplitsRecursivelyKeepingTheSourcesOtherKeys() throws {
        let outputs = try call(
            "SplitText", ["data_inputs": .data(["text": "one two three four five", "source": "s"]), "chunk_size": .int(10), "chunk_overlap": .int(0)])
        let frame = try #require(outputs["dataframe"])
        #expect(frame.jsonType == "DataFrame")
        #expect(frame.document == [["text": "one two", "source": "s"], ["text": "three", "source": "s"], ["text": "four five", "source": "s"]])
    }

    @Test func splitTextOverlapsChunks() throws {
        let outputs = try call("SplitText", ["data_inputs": .string("aaa bbb ccc ddd"), "chunk_size": .int(8), "chunk_overlap": .int(4)])
        #expect(outputs["dataframe"]?.document?.arrayValue?.map { $0["text"] } == ["aaa bbb", "bbb ccc", "ccc ddd"])
    }

    @Test func splitTextByCharacterUsesTheChosenSeparator() throws {
        let outputs = try call(
            "SplitText",
            ["data_inputs": .data(["text": "a\nb\nc"]), "mode": .string("Character"), "separator": .string("/n"), "chunk_size": .int(3), "chunk_overlap": .int(0)])
        #expect(outputs["dataframe"]?.document?.arrayValue?.map { $0["text"] } == ["a\nb", "c"])
        let custom = try call(
            "SplitText",
            [
                "data_inputs": .data(["text": "x;y;z"]), "mode": .string("Character"), "separator": .string("Custom"), "custom_separator": .string(";"),
                "chunk_size": .int(1), "chunk_overlap": .int(0), "keep_separator": .string("End"),
            ])
        #expect(custom["dataframe"]?.document?.arrayValue?.map { $0["text"] } == ["x;", "y;", "z"])
    }

    /// Flows from Langflow 1.7 and older have a free-text separator ("\n") and no mode: the Character splitter.
    @Test func splitTextTreatsAFreeTextSeparatorAsAnOlderFlowsCharacterSplit() throws {
        let outputs = try call("SplitText", ["data_inputs": .data(["text": "l1 a\nl2 b"]), "separator": .string("\n"), "chunk_size": .int(5), "chunk_overlap": .int(0)])
        #expect(outputs["dataframe"]?.document?.arrayValue?.map { $0["text"] } == ["l1 a", "l2 b"])
    }

    @Test func splitTextSplitsEachRowOfATableAndCleansMetadataOnRequest() throws {
        let table: JSONValue = [["text": "ab cd", "id": 1], ["text": "ef", "id": 2]]
        let outputs = try call("SplitText", ["data_inputs": .dataFrame(table), "chunk_size": .int(3), "chunk_overlap": .int(0), "clean_output": .bool(true)])
        #expect(outputs["dataframe"]?.document == [["text": "ab"], ["text": "cd"], ["text": "ef"]])
    }

    @Test(arguments: [
        (["chunk_size": Value.int(10), "chunk_overlap": .int(20)], "SplitText: Got a larger chunk overlap (20) than chunk size (10), should be smaller."),
        (["chunk_size": .int(0), "chunk_overlap": .int(0)], "SplitText: chunk_size must be > 0, got 0"),
        (["chunk_size": .string("big")], #"SplitText: input 'chunk_size' must be an integer, found str "big""#),
        (["mode": .string("Sideways")], "SplitText: mode must be Recursive or Character, found 'Sideways'"),
    ] as [([String: Value], String)])
    func splitTextRefusesBadSizesAndModes(inputs: [String: Value], message: String) throws {
        var all = inputs
        all["data_inputs"] = .data(["text": "some text"])
        #expect(try failure("SplitText", all) == message)
    }

    @Test func splitTextRefusesAnEmptyTableAndNoInput() throws {
        #expect(try failure("SplitText", ["data_inputs": .dataFrame([])]) == "SplitText: DataFrame is empty")
        #expect(try failure("SplitText") == "SplitText: No data inputs provided")
    }

    // MARK: - JSON Operations (DataOperations) and Filter Data

    private func operate(_ operation: String, _ data: Value, _ inputs: [String: Value] = [:]) throws -> JSONValue? {
        var all = inputs
        all["data"] = data
        all["operations"] = .list([["name": .string(operation), "icon": "x"]])
        return try call("DataOperations", all)["data_output"]?.document
    }

    @Test func dataOperationsSelectsRemovesRenamesAndUpdatesKeys() throws {
        let data = Value.data(["a": 1, "b": ["c": 2, "a": 3], "d": "x"])
        #expect(try operate("Select Keys", data, ["select_keys_input": .list(["d", "a"])]) == ["a": 1, "d": "x"])
        #expect(try operate("Remove Keys", data, ["remove_keys_input": .list(["a"])]) == ["b": ["c": 2], "d": "x"])
        #expect(try operate("Rename Keys", data, ["rename_keys_input": .dict(["a": "z"])]) == ["z": 1, "b": ["c": 2, "z": 3], "d": "x"])
        #expect(try operate("Append or Update", data, ["append_update_data": .dict(["d": "y", "e": true])]) == ["a": 1, "b": ["c": 2, "a": 3], "d": "y", "e": true])
    }

    @Test func dataOperationsEvaluatesLiteralsAndCombinesData() throws {
        let literals = Value.data(["n": "42", "l": "[1, 'x', True, None]", "s": "hello", "f": "1.5"])
        #expect(try operate("Literal Eval", literals) == ["n": 42, "l": [1, "x", true, nil], "s": "hello", "f": .number(1.5)])
        let combined = try operate("Combine", .list([["a": 1, "b": "x"], ["a": 2, "c": true], ["a": [3, 4]]]))
        #expect(combined == ["a": [1, 2, 3, 4], "b": "x", "c": true])
    }

    @Test func dataOperationsFiltersAListByAKey() throws {
        let data = Value.data(["items": [["k": "apple"], ["k": "banana"], ["k": "avocado"]]])
        let filtered = try operate("Filter Values", data, ["filter_key": .list(["items"]), "filter_values": .dict(["k": "a"]), "operator": .string("starts with")])
        #expect(filtered == ["items": [["k": "apple"], ["k": "avocado"]]])
        #expect(try failure("DataOperations", ["data": data, "operations": .list([["name": "Filter Values"]]), "filter_key": .list(["nope"])])
            == "DataOperations: Filter key 'nope' not found in data. Available keys: ['items']")
    }

    @Test func dataOperationsSelectsPathsAndJQPaths() throws {
        let data = Value.data(["items": [["id": 1, "tags": ["x"]], ["id": 2]], "meta": ["owner": "ada"]])
        #expect(try operate("Path Selection", data, ["selected_key": .string(".items[0].tags[0]")]) == ["result": "x"])
        #expect(try operate("Path Selection", data, ["selected_key": .string(".meta")]) == ["owner": "ada"])
        #expect(try operate("Path Selection", data, ["selected_key": .string(".meta.owner.name")]) == ["error": #"Cannot index string with "name""#])
        #expect(try operate("JQ Expression", data, ["query": .string(".items[].id")]) == ["result": [1, 2]])
        #expect(try operate("JQ Expression", data, ["query": .string(".items[-1]")]) == ["id": 2])
    }

    @Test func dataOperationsRefusesWhatItCannotDo() throws {
        let data = Value.data(["a": 1])
        #expect(try failure("DataOperations", ["data": data, "operations": .list([["name": "Select Keys"]]), "select_keys_input": .list(["zz"])])
            == "DataOperations: Select key not found in data. Available keys: ['a']")
        #expect(try failure("DataOperations", ["data": data, "operations": .list([["name": "JQ Expression"]]), "query": .string("map(.a)")])
            == "DataOperations: JSON Query error: unsupported jq expression 'map(.a)': only paths like .key, .items[0].name and .items[] are supported")
        #expect(try failure("DataOperations", ["data": data, "operations": .list([["name": "JQ Expression"]]), "query": .string(".missing")])
            == "DataOperations: JSON Query error: JSON query returned null/None. Check if the path exists in your data.")
        #expect(try failure("DataOperations", ["data": .list([["a": 1], ["a": 2]]), "operations": .list([["name": "Remove Keys"]])])
            == "DataOperations: Remove Keys operation is not supported for multiple data objects.")
        #expect(try failure("DataOperations", ["data": data, "operations": .list(["Teleport"])])
            == "DataOperations: unknown operation 'Teleport'; the operations are Select Keys, Literal Eval, Combine, Filter Values, Append or Update, Remove Keys, Rename Keys, Path Selection, JQ Expression")
        #expect(try call("DataOperations", ["data": data])["data_output"]?.document == [:], "no operation chosen: an empty Data")
    }

    @Test func filterDataKeepsTheNamedKeys() throws {
        #expect(try call("FilterData", ["data": .data(["a": 1, "b": 2, "c": 3]), "filter_criteria": .list(["c", "a"])])["filtered_data"]?.document == ["a": 1, "c": 3])
        #expect(try call("FilterData", ["data": .string("not data"), "filter_criteria": .list(["a"])])["filtered_data"]?.document == [:])
    }

    // MARK: - Load JSON, Create Data, Extract Key, Data → DataFrame

    @Test func loadJSONReadsAnObjectAnArrayOrAPythonLiteral() throws {
        let object = try #require(try call("JSONtoData", ["json_string": .string(#"{"a": [1, 2.5], "b": null}"#)])["data"])
        #expect(object.jsonType == "Data")
        #expect(object.document == ["a": [1, .number(2.5)], "b": nil])
        let array = try #require(try call("JSONtoData", ["json_string": .string(#"[{"n": 1}, {"n": 2}]"#)])["data"])
        #expect(array.jsonType == "list")
        #expect(array.document == [["n": 1], ["n": 2]])
        #expect(try call("JSONtoData", ["json_string": .string("{'a': True, 'b': None}")])["data"]?.document == ["a": true, "b": nil])
    }

    @Test func loadJSONRefusesBrokenJSONFilesAndOversizeText() throws {
        let broken = try failure("JSONtoData", ["json_string": .string("{oops")])
        #expect(broken.hasPrefix("JSONtoData: Invalid JSON or Python literal: "), "\(broken)")
        #expect(try failure("JSONtoData", ["json_string": .string("[1, 2]")]) == "JSONtoData: Invalid JSON or Python literal: item 0 of the array is 1, not an object")
        #expect(try failure("JSONtoData", ["json_string": .string("{}"), "json_path": .string("/etc/passwd.json")]) == "JSONtoData: Please provide exactly one of: JSON file, file path, or JSON string.")
        #expect(try failure("JSONtoData", ["json_path": .string("/etc/passwd.json")]) == "JSONtoData: reading a JSON file from the server's disk is not supported; paste the JSON into JSON String")
        #expect(try failure("JSONtoData") == "JSONtoData: Please provide exactly one of: JSON file, file path, or JSON string.")
        let huge = "[" + String(repeating: "0,", count: 8 << 20) + "0]"
        #expect(try failure("JSONtoData", ["json_string": .string(huge)]) == "JSONtoData: input 'json_string' is 16777219 bytes, more than the limit of 16777216 bytes")
    }

    @Test func createDataMergesItsFieldDictionaries() throws {
        let outputs = try call(
            "CreateData", ["number_of_fields": .int(3)],
            extra: [("field_1_key", .dict(["a": 1])), ("field_2_key", .dict(["b": "x", "a": 2])), ("field_3_key", .data(["ignored": true]))])
        #expect(outputs["data"]?.document == ["a": 2, "b": "x"], "like Langflow, only dictionaries merge")
        let message = try failure(
            "CreateData", ["text_key": .string("zz"), "text_key_validator": .bool(true)], extra: [("field_1_key", .dict(["a": 1, "b": 2]))])
        #expect(message == "CreateData: Text Key: 'zz' not found in the Data keys: 'a, b'")
    }

    @Test func extractKeyAnswersTheKeyOrAnError() throws {
        #expect(try call("ExtractaKey", ["data_input": .data(["k": [1], "o": 2]), "key": .string("k")])["extracted_data"]?.document == ["k": [1]])
        #expect(try call("ExtractaKey", ["data_input": .data(["o": 2]), "key": .string("k")])["extracted_data"]?.document == ["error": "Key 'k' not found in Data object."])
        #expect(try call("ExtractaKey", ["data_input": .list([["k": 1], ["x": 0], ["k": 3]]), "key": .string("k")])["extracted_data"]?.document == [["k": 1], ["k": 3]])
        #expect(try call("ExtractaKey", ["data_input": .int(5), "key": .string("k")])["extracted_data"]?.document == ["error": "Invalid input. Expected Data object or list of Data objects."])
    }

    @Test func dataToDataFrameMakesOneRowPerData() throws {
        let outputs = try call("DataToDataFrame", ["data_list": .list([["text": "t", "a": 1], ["b": 2]])])
        #expect(outputs["dataframe"]?.jsonType == "DataFrame")
        #expect(outputs["dataframe"]?.document == [["text": "t", "a": 1], ["b": 2]])
        #expect(try failure("DataToDataFrame", ["data_list": .list(["text", 1])]) == #"DataToDataFrame: Expected Data objects, got 'text' instead."#)
        #expect(try failure("DataToDataFrame", ["data_list": .int(1)]) == "DataToDataFrame: Expected Data objects, got int instead.")
    }

    // MARK: - Type Convert

    @Test func typeConvertProducesOnlyTheChosenOutput() throws {
        let asData = try call("TypeConverterComponent", ["input_data": .message("hi"), "output_type": .string("Data")])
        #expect(asData.keys.sorted() == ["data_output"])
        #expect(asData["data_output"]?.document == ["text": "hi"])
        let asMessage = try call("TypeConverter", ["input_data": .data(["a": 1, "ok": false])])
        #expect(asMessage.keys.sorted() == ["message_output"])
        #expect(try text(asMessage, "message_output") == "{'a': 1, 'ok': False}", "a Data without text reads as its dictionary")
        let table = try call("TypeConverterComponent", ["input_data": .dataFrame([["n": 1, "s": "a|b"]]), "output_type": .string("Message")])
        #expect(try text(table, "message_output") == "|   n | s    |\n|----:|:-----|\n|   1 | a\\|b |")
        let rows = try call("TypeConverterComponent", ["input_data": .data(["records": [["x": 1], ["x": 2]]]), "output_type": .string("DataFrame")])
        #expect(rows["dataframe_output"]?.document == [["x": 1], ["x": 2]])
    }

    @Test func typeConvertAutoParsesJSONAndCSVText() throws {
        let json = try call("TypeConverterComponent", ["input_data": .message(#"{"a": 1}"#), "output_type": .string("Data"), "auto_parse": .bool(true)])
        #expect(json["data_output"]?.document == ["a": 1])
        let csv = try call("TypeConverterComponent", ["input_data": .message("name,age\nAda,36\n\"Lovelace, A\",\n"), "output_type": .string("DataFrame"), "auto_parse": .bool(true)])
        #expect(csv["dataframe_output"]?.document == [["name": "Ada", "age": 36], ["name": "Lovelace, A", "age": nil]])
        let plain = try call("TypeConverterComponent", ["input_data": .message("just words"), "output_type": .string("Data"), "auto_parse": .bool(true)])
        #expect(plain["data_output"]?.document == ["text": "just words"])
    }

    @Test func typeConvertRefusesAnUnknownTypeAndNoInput() throws {
        #expect(try failure("TypeConverterComponent", ["input_data": .message("x"), "output_type": .string("XML")]) == "TypeConverterComponent: output_type must be Message, Data or DataFrame, found 'XML'")
        #expect(try failure("TypeConverterComponent") == "TypeConverterComponent: input 'input_data' has no value")
    }

    // MARK: - Empty, wrong and oversize values everywhere

    @Test func emptyInputsGiveLangflowsEmptyResults() throws {
        #expect(try text(try call("Prompt Template"), "prompt") == "")
        #expect(try call("FilterData", ["data": .data(["a": 1])])["filtered_data"]?.document == [:])
        #expect(try call("ExtractaKey", ["data_input": .data(["a": 1])])["extracted_data"]?.document == ["error": "Key '' not found in Data object."])
        #expect(try call("DataToDataFrame")["dataframe"]?.document == [])
        #expect(try call("CreateData")["data"]?.document == [:])
    }

    @Test func aValueThatIsNotTheJSONItsTypeSaysFailsNamingTheInput() throws {
        let message = try failure("Prompt Template", ["template": .string("{x}")], extra: [("x", .json(type: "Message", text: "nope"))])
        #expect(message.hasPrefix("Prompt Template: input 'x' holds a Message that is not valid JSON: "), "\(message)")
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        let nested = try failure("DataOperations", ["data": .json(type: "Data", text: deep), "operations": .list([["name": "Combine"]])])
        #expect(nested.hasPrefix("DataOperations: input 'data' holds a Data that is not valid JSON: the document nests deeper than 256 levels"), "\(nested)")
    }

    @Test func largeValuesWithinTheLimitsGoThroughAndLargerOnesFail() throws {
        let half = String(repeating: "x", count: 4 << 20)
        let combined = try #require(try text(try call("CombineText", ["text1": .string(half), "text2": .string(half), "delimiter": .string("|")]), "combined_text"))
        #expect(combined.utf8.count == (8 << 20) + 1)
        let pattern = String(repeating: "p", count: (1 << 20) + 1)
        #expect(try failure("ParserComponent", ["input_data": .data([:]), "pattern": .string(pattern)]) == "ParserComponent: input 'pattern' is 1048577 bytes, more than the limit of 1048576 bytes")
        let words = String(repeating: "a ", count: 100_001)
        #expect(try failure("SplitText", ["data_inputs": .string(words), "chunk_size": .int(1), "chunk_overlap": .int(0)]) == "SplitText: the input splits into more than 100000 chunks; raise chunk_size")
    }

    // MARK: - Flows across components

    /// Langflow requires the template only in Parser mode: a Stringify parser with an empty one builds and runs.
    @Test func runsAStringifyParserWithoutATemplate() async throws {
        let flow = LangflowFlow()
            .node("JSONtoData-1", "JSONtoData", ["json_string": #"{"a": 1}"#])
            .node("ParserComponent-1", "ParserComponent", ["mode": "Stringify", "pattern": ""])
            .edge("JSONtoData-1", "data", to: "ParserComponent-1", "input_data")
        let result = try await LangflowBundles.run(flow, registry: try Self.registry())
        #expect(result.outputText == "```json\n{\n  \"a\": 1\n}\n```")
    }

    /// ChatInput → Split Text → Parser → ChatOutput, in Langflow's export shape.
    @Test func runsASplitAndParseFlow() async throws {
        let flow = LangflowFlow()
            .node("ChatInput-1", "ChatInput")
            .node("SplitText-1", "SplitText", ["chunk_size": 6, "chunk_overlap": 0])
            .node("parser-1", "parser", ["pattern": "{text}", "sep": " | ", "mode": "Parser"])
            .node("ChatOutput-1", "ChatOutput")
            .edge("ChatInput-1", "message", to: "SplitText-1", "data_inputs")
            .edge("SplitText-1", "dataframe", to: "parser-1", "input_data")
            .edge("parser-1", "parsed_text", to: "ChatOutput-1", "input_value")
        let result = try await LangflowBundles.run(flow, registry: try LangflowBundles.registry(.engine, .processing), input: "alpha beta gamma")
        #expect(result.outputText == "alpha | beta | gamma")
        let chunks = try #require(result.vertices.first { $0.id == "SplitText-1" }?.outputs["dataframe"])
        #expect(chunks.document?.arrayValue?.map { $0["text"] } == ["alpha", "beta", "gamma"])
    }
}
