"""Shared Python code of the spec tools (tools/spec-dump, tools/spec-coverage).

Standard library only, for /usr/bin/python3 (3.11):

- url            valkey:// and unix:// URLs
- resp_client    a small blocking RESP2/RESP3 client with HELLO/AUTH
- servers        throwaway valkey-server / sentinel processes on free loopback ports
- command_spec   COMMAND DOCS + COMMAND INFO -> Valkey's per-command JSON format
- spec_dir       writing a folder of per-command JSON files
- coverage       a server's commands against spec/ and generated/, text and JSON reports
"""
