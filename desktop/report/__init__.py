"""The result report (評価結果 公表資料) and the gap analysis (伸びしろ)."""
