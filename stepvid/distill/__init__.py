"""Turbo (report §5): self-distillation of a base model into a few-step student with rectified flow
(``stepvid.distill.cache`` makes the teacher's samples, ``stepvid.distill.trainer`` trains the student)."""
