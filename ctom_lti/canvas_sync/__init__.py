"""canvas_sync: build and keep each cohort's Canvas course in step with the curriculum."""
