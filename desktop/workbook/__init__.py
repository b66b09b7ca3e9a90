"""Workbooks (openpyxl): the submission workbook, section workbooks and their import."""
