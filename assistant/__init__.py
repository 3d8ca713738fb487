"""Salus: an offline, multilingual health-promotion assistant.

Importing Salus turns every Hugging Face hub call off: all weights come from
installed packages or local folders, never from the network.
"""

from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
