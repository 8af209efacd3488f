"""Key projects (重点项目): the 三个一批 lifecycle, evidence and verification, monthly dispatch, warnings, KPIs."""
