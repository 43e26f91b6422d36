"""Portfolio reflections: a candidate's artifacts and reflections per principle, and exports."""
