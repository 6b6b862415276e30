"""The pages of 事业单位登记管理 (look up through a selector, bind a form, call one service, redirect)."""
