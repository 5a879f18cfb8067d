#!/usr/bin/env python3
"""Writes the starter flows (Sources/LangBuilderServer/Examples/*.json) from the live registry.

Each starter flow below is a short spec: nodes (a component type and the field values that differ from its
defaults) and edges. The script starts `langbuilder serve` on a free loopback port with a temporary data
directory (so it sees exactly the first-party bundles built next to the executable), reads the registry from
`GET /api/v1/all`, and writes each flow in Langflow's export format: full templates, `custom_fields` for a
prompt's `{variables}`, edges with Langflow's handle objects and their `œ`-quoted string forms. Re-run it after
a component's fields change:

    swift build && python3 scripts/starter-flows.py            # or --langbuilder PATH, --out DIR, --check

`--check` writes nothing and exits 1 when a shipped file differs from what the registry gives (CI can run it).
A spec naming an unknown component, field or output fails with its name.
"""

import argparse
import copy
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

OPENAI = {"provider": "OpenAI", "model_name": "gpt-4o-mini", "api_key": ("OPENAI_API_KEY", "load_from_db")}
AGENT_MODEL = {"agent_llm": "OpenAI", "model_name": "gpt-4o-mini", "api_key": ("OPENAI_API_KEY", "load_from_db")}

# Each node: (id, type, {field: value}); a value ("NAME", "load_from_db") references a global variable.
# Each edge: (source id, output, target id, field) or (source id, output, target id, None, loop output).
FLOWS = [
    {
        "file": "basic-prompting.json",
        "id": "6a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c01",
        "name": "Basic Prompting",
        "description": "Perform basic prompting with an OpenAI-compatible model: a system prompt and the user's message.",
        "icon": "Braces",
        "tags": ["chatbots"],
        "nodes": [
            ("ChatInput-Bp1aa", "ChatInput", {"input_value": "Hello"}),
            ("Prompt-Bp2bb", "Prompt Template", {
                "template": "Answer the user as if you were a GenAI expert, enthusiastic about helping them get started building something fresh."}),
            ("LanguageModelComponent-Bp3cc", "LanguageModelComponent", dict(OPENAI, temperature=0.1)),
            ("ChatOutput-Bp4dd", "ChatOutput", {}),
        ],
        "edges": [
            ("ChatInput-Bp1aa", "message", "LanguageModelComponent-Bp3cc", "input_value"),
            ("Prompt-Bp2bb", "prompt", "LanguageModelComponent-Bp3cc", "system_message"),
            ("LanguageModelComponent-Bp3cc", "text_output", "ChatOutput-Bp4dd", "input_value"),
        ],
    },
    {
        "file": "memory-chatbot.json",
        "id": "6a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c02",
        "name": "Memory Chatbot",
        "description": "A chatbot that remembers: the session's earlier messages go into the model's system prompt.",
        "icon": "MessagesSquare",
        "tags": ["chatbots", "memory"],
        "nodes": [
            ("ChatInput-Mc1aa", "ChatInput", {"input_value": "What did I just tell you?"}),
            ("Memory-Mc2bb", "Memory", {"n_messages": 100}),
            ("Prompt-Mc3cc", "Prompt Template", {
                "template": "You are a helpful assistant that answers questions.\n\nUse markdown to format your answer.\n\nHistory:\n\n{memory}\n"}),
            ("LanguageModelComponent-Mc4dd", "LanguageModelComponent", dict(OPENAI, temperature=0.1)),
            ("ChatOutput-Mc5ee", "ChatOutput", {}),
        ],
        "edges": [
            ("Memory-Mc2bb", "messages_text", "Prompt-Mc3cc", "memory"),
            ("Prompt-Mc3cc", "prompt", "LanguageModelComponent-Mc4dd", "system_message"),
            ("ChatInput-Mc1aa", "message", "LanguageModelComponent-Mc4dd", "input_value"),
            ("LanguageModelComponent-Mc4dd", "text_output", "ChatOutput-Mc5ee", "input_value"),
        ],
    },
    {
        "file": "simple-agent.json",
        "id": "6a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c03",
        "name": "Simple Agent",
        "description": "A tool-calling agent on an OpenAI-compatible model, with a calculator and a web page reader as tools.",
        "icon": "Bot",
        "tags": ["agents"],
        "nodes": [
            ("ChatInput-Sa1aa", "ChatInput", {"input_value": "What is 15% of 1280, and what is the title of https://example.com?"}),
            ("Agent-Sa2bb", "Agent", dict(AGENT_MODEL, system_prompt="You are a helpful assistant that can use tools to answer questions and perform tasks.")),
            ("CalculatorComponent-Sa3cc", "CalculatorComponent", {}),
            ("URLComponent-Sa4dd", "URLComponent", {}),
            ("ChatOutput-Sa5ee", "ChatOutput", {}),
        ],
        "edges": [
            ("ChatInput-Sa1aa", "message", "Agent-Sa2bb", "input_value"),
            ("CalculatorComponent-Sa3cc", "component_as_tool", "Agent-Sa2bb", "tools"),
            ("URLComponent-Sa4dd", "component_as_tool", "Agent-Sa2bb", "tools"),
            ("Agent-Sa2bb", "response", "ChatOutput-Sa5ee", "input_value"),
        ],
    },
    {
        "file": "translation-loop.json",
        "id": "6a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c04",
        "name": "Research Translation Loop",
        "description": "Splits a text into lines, translates each one with a model inside a loop, and joins the translations.",
        "icon": "Languages",
        "tags": ["loops", "agents"],
        "nodes": [
            ("ChatInput-Tl1aa", "ChatInput", {
                "input_value": "LangBuilder runs flows of components.\nComponents live in bundles.\nThe store signs its index."}),
            ("SplitText-Tl2bb", "SplitText", {"chunk_size": 40, "chunk_overlap": 0, "separator": "\\n"}),
            ("LoopComponent-Tl3cc", "LoopComponent", {}),
            ("ParserComponent-Tl4dd", "ParserComponent", {"pattern": "{text}"}),
            ("Prompt-Tl5ee", "Prompt Template", {"template": "Translate into French. Answer with the translation only.\n\n{line}"}),
            ("LanguageModelComponent-Tl6ff", "LanguageModelComponent", dict(OPENAI, temperature=0.0)),
            ("TypeConverterComponent-Tl7gg", "TypeConverterComponent", {"output_type": "Data"}),
            ("ParserComponent-Tl8hh", "ParserComponent", {"pattern": "{text}", "sep": "\n"}),
            ("ChatOutput-Tl9ii", "ChatOutput", {}),
        ],
        "edges": [
            ("ChatInput-Tl1aa", "message", "SplitText-Tl2bb", "data_inputs"),
            ("SplitText-Tl2bb", "dataframe", "LoopComponent-Tl3cc", "data"),
            ("LoopComponent-Tl3cc", "item", "ParserComponent-Tl4dd", "input_data"),
            ("ParserComponent-Tl4dd", "parsed_text", "Prompt-Tl5ee", "line"),
            ("Prompt-Tl5ee", "prompt", "LanguageModelComponent-Tl6ff", "input_value"),
            ("LanguageModelComponent-Tl6ff", "text_output", "TypeConverterComponent-Tl7gg", "input_data"),
            ("TypeConverterComponent-Tl7gg", "data_output", "LoopComponent-Tl3cc", None, "item"),
            ("LoopComponent-Tl3cc", "done", "ParserComponent-Tl8hh", "input_data"),
            ("ParserComponent-Tl8hh", "parsed_text", "ChatOutput-Tl9ii", "input_value"),
        ],
    },
    {
        "file": "ticket-router.json",
        "id": "6a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c05",
        "name": "Ticket Router",
        "description": "Parses a JSON ticket, and routes it to billing or support by its topic: JSON to Data, Parser, If-Else.",
        "icon": "Split",
        "tags": ["routing", "parsing"],
        "nodes": [
            ("ChatInput-Tr1aa", "ChatInput", {
                "input_value": "{\"customer\": \"Ada\", \"topic\": \"refund\", \"text\": \"I was charged twice.\"}"}),
            ("JSONtoData-Tr2bb", "JSONtoData", {}),
            ("ParserComponent-Tr3cc", "ParserComponent", {"pattern": "{topic}"}),
            ("ParserComponent-Tr4dd", "ParserComponent", {"pattern": "{customer} writes: {text}"}),
            ("ConditionalRouter-Tr5ee", "ConditionalRouter", {"operator": "equals", "match_text": "refund", "case_sensitive": False}),
            ("Prompt-Tr6ff", "Prompt Template", {"template": "To billing. {ticket}"}),
            ("Prompt-Tr7gg", "Prompt Template", {"template": "To support. {ticket}"}),
            ("ChatOutput-Tr8hh", "ChatOutput", {"sender_name": "Billing"}),
            ("ChatOutput-Tr9ii", "ChatOutput", {"sender_name": "Support"}),
        ],
        "edges": [
            ("ChatInput-Tr1aa", "message", "JSONtoData-Tr2bb", "json_string"),
            ("JSONtoData-Tr2bb", "data", "ParserComponent-Tr3cc", "input_data"),
            ("JSONtoData-Tr2bb", "data", "ParserComponent-Tr4dd", "input_data"),
            ("ParserComponent-Tr3cc", "parsed_text", "ConditionalRouter-Tr5ee", "input_text"),
            ("ParserComponent-Tr4dd", "parsed_text", "ConditionalRouter-Tr5ee", "true_case_message"),
            ("ParserComponent-Tr4dd", "parsed_text", "ConditionalRouter-Tr5ee", "false_case_message"),
            ("ConditionalRouter-Tr5ee", "true_result", "Prompt-Tr6ff", "ticket"),
            ("ConditionalRouter-Tr5ee", "false_result", "Prompt-Tr7gg", "ticket"),
            ("Prompt-Tr6ff", "prompt", "ChatOutput-Tr8hh", "input_value"),
            ("Prompt-Tr7gg", "prompt", "ChatOutput-Tr9ii", "input_value"),
        ],
    },
]


class SpecError(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch_registry(langbuilder):
    port = free_port()
    data = tempfile.mkdtemp(prefix="langbuilder-starter-")
    env = dict(os.environ, LANGBUILDER_AUTO_LOGIN="true")
    server = subprocess.Popen([langbuilder, "serve", "--port", str(port), "--data-dir", data],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/health", timeout=1).read()
                break
            except Exception:
                if server.poll() is not None or time.time() > deadline:
                    raise SystemExit("langbuilder serve did not start: " + server.stderr.read().decode()[-2000:])
                time.sleep(0.1)
        token = json.load(urllib.request.urlopen(base + "/api/v1/auto_login"))["access_token"]
        request = urllib.request.Request(base + "/api/v1/all", headers={"Authorization": "Bearer " + token})
        catalog = json.load(urllib.request.urlopen(request))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return {name: entry for category in catalog.values() for name, entry in category.items()}


def handle_string(handle):
    return json.dumps(handle, separators=(", ", ": "), ensure_ascii=False).replace('"', "œ")


def prompt_variables(template):
    found = []
    for name in re.findall(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)\}(?!\})", template):
        if name not in found:
            found.append(name)
    return found


def make_node(registry, flow, node_id, type_name, values, position):
    if type_name not in registry:
        raise SpecError(f"{flow}: node {node_id}: no component {type_name!r} in the registry (is its bundle built?)")
    node = copy.deepcopy(registry[type_name])
    template = node["template"]
    for field, value in values.items():
        if field not in template:
            raise SpecError(f"{flow}: node {node_id}: {type_name} has no field {field!r}")
        if isinstance(value, tuple):
            template[field]["value"], template[field]["load_from_db"] = value[0], True
        else:
            template[field]["value"] = value
    if type_name == "Prompt Template":
        variables = prompt_variables(template["template"]["value"])
        for name in variables:
            template[name] = {
                "advanced": False, "display_name": name, "dynamic": False, "field_type": "str", "fileTypes": [],
                "file_path": "", "info": "", "input_types": ["Message", "Text"], "list": False, "load_from_db": False,
                "multiline": True, "name": name, "placeholder": "", "required": False, "show": True,
                "title_case": False, "type": "str", "value": ""}
        node["custom_fields"] = {"template": variables}
    return {
        "id": node_id, "type": "genericNode", "position": position,
        "data": {"id": node_id, "type": type_name, "node": node, "showNode": True},
    }


def make_edge(nodes, flow, spec):
    source, output, target, field = spec[:4]
    loop_output = spec[4] if len(spec) > 4 else None
    source_node, target_node = nodes[source]["data"], nodes[target]["data"]
    outputs = {o["name"]: o for o in source_node["node"]["outputs"]}
    if output not in outputs:
        raise SpecError(f"{flow}: edge {source} -> {target}: {source_node['type']} has no output {output!r}")
    source_handle = {"dataType": source_node["type"], "id": source, "name": output, "output_types": outputs[output]["types"]}
    if loop_output:
        target_outputs = {o["name"]: o for o in target_node["node"]["outputs"]}
        if loop_output not in target_outputs:
            raise SpecError(f"{flow}: edge {source} -> {target}: {target_node['type']} has no output {loop_output!r}")
        target_handle = {"dataType": target_node["type"], "id": target, "name": loop_output,
                         "output_types": target_outputs[loop_output]["types"]}
    else:
        template = target_node["node"]["template"]
        if field not in template:
            raise SpecError(f"{flow}: edge {source} -> {target}: {target_node['type']} has no field {field!r}")
        target_handle = {"fieldName": field, "id": target, "inputTypes": template[field].get("input_types") or [],
                         "type": template[field].get("type", "str")}
    source_text, target_text = handle_string(source_handle), handle_string(target_handle)
    return {
        "source": source, "target": target, "sourceHandle": source_text, "targetHandle": target_text,
        "id": f"reactflow__edge-{source}{source_text}-{target}{target_text}",
        "data": {"sourceHandle": source_handle, "targetHandle": target_handle}, "animated": False, "className": "",
    }


def layers(spec):
    depth = {node_id: 0 for node_id, _, _ in spec["nodes"]}
    forward = [e for e in spec["edges"] if len(e) < 5]
    for _ in range(len(depth)):
        for source, _, target, *_ in forward:
            depth[target] = max(depth[target], depth[source] + 1)
    return depth


def make_flow(registry, spec):
    depth = layers(spec)
    rows = {}
    nodes = {}
    for node_id, type_name, values in spec["nodes"]:
        column = depth[node_id]
        row = rows.get(column, 0)
        rows[column] = row + 1
        nodes[node_id] = make_node(registry, spec["name"], node_id, type_name, values, {"x": column * 420, "y": row * 320})
    edges = [make_edge(nodes, spec["name"], e) for e in spec["edges"]]
    return {
        "id": spec["id"], "name": spec["name"], "description": spec["description"], "icon": spec["icon"],
        "icon_bg_color": None, "gradient": None, "endpoint_name": None, "is_component": False, "tags": spec["tags"],
        "last_tested_version": "0.1.0",
        "data": {"nodes": list(nodes.values()), "edges": edges, "viewport": {"x": 0, "y": 0, "zoom": 0.8}},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--langbuilder", default=os.path.join(ROOT, ".build", "debug", "langbuilder"))
    parser.add_argument("--out", default=os.path.join(ROOT, "Sources", "LangBuilderServer", "Examples"))
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    registry = fetch_registry(args.langbuilder)
    stale = []
    try:
        for spec in FLOWS:
            text = json.dumps(make_flow(registry, spec), indent=2, ensure_ascii=False) + "\n"
            path = os.path.join(args.out, spec["file"])
            if args.check:
                if not os.path.exists(path) or open(path, encoding="utf-8").read() != text:
                    stale.append(spec["file"])
            else:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
                print("wrote", os.path.relpath(path, ROOT))
    except SpecError as error:
        raise SystemExit(f"starter-flows: {error}")
    if stale:
        raise SystemExit("starter-flows: out of date (re-run scripts/starter-flows.py): " + ", ".join(stale))


if __name__ == "__main__":
    main()
