"""Forms compiled from ../../ui/*.ui by pyside6-uic (generated: edit the .ui, not these)."""
