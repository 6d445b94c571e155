"""Readers and writers of interchange formats shared by several stages (PubTator, JSON lines)."""
