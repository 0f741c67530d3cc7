"""The maths: shapes, weights, cost, the frameworks' rules, models and plans. Never formats."""
