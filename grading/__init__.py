"""The autograder's tests of the chapters' exercises, one module per chapter.

``tools/student.py`` turns each chapter into an otter-grader assignment: for an exercise
labelled ``q1-cv-degree``, ``public_q1_cv_degree`` checks the form of an answer (students
run it with ``grader.check``) and ``hidden_q1_cv_degree`` checks that it is right (only the
instructor's autograder has it). A test's parameters name the notebook variables it reads.
Tests accept any correct answer, not only the book's code: they check values and
properties, and recompute what they compare with from the notebook's own data.
"""
