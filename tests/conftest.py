"""Shared pytest set-up for every tier."""
import os

# jupyter_core warns about its path migration unless this is set; warnings are errors here.
os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
