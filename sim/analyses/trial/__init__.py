"""Virtual trials: arms of sampled people, their statistics and closed-form effect sizes."""
