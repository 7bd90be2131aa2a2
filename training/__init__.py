"""Training: L4L and ALT programmes, cohorts, assessments, diffusion, surveys (Section 5.1)."""
