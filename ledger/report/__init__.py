"""Renderings for people and other programs: diff formats, export records and their columns, the audit workbook."""
