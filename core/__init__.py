"""Sportello's system of record: billing arithmetic, service lifecycle, tickets, storage.

`core` knows nothing of chats or Italian sentences: it returns facts (dataclasses) and
raises typed errors (`core.errors`) that the conversation layer turns into Italian answers.
"""
