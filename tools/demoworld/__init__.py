"""Demo world: synthetic coloured-shape scenes, drag tasks with exact ground truth, and a rule-based checker.

Modules:
    palette  -- the named object and background colours and the size words
    shapes   -- shape geometry: inside tests in local coordinates, object placement transforms
    render   -- scene description -> anti-aliased RGB image and per-object masks
    scenes   -- seeded random scenes, captions, and the ``python -m tools.demoworld.scenes`` CLI
    tasks    -- drag tasks (move/enlarge/shrink/stretch) with every acceptable intention's ground truth
    checker  -- colour segmentation, shape fitting, caption checks and edit metrics
"""
