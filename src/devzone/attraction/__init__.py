"""Investment attraction (招商引资): leads, follow-ups, the five rules, negative list, agreements, activities."""
