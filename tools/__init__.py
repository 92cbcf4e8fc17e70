"""Development tools (calibration, documentation generation): not shipped in the package."""
