"""agreement-engine: rules-as-code for the money side of inter-governmental agreements."""

__version__ = "0.1.0"
