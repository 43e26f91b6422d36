"""The only package that imports canvasapi: gateway, DTOs, errors, retry and throttling."""
