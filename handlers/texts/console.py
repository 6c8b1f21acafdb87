"""Texts of the console channel (a terminal, or a conversation piped from a file)."""

BLOCK_START = "::dai"
BLOCK_END = "::het"
BLOCK_HINT = "(Dán hoặc gõ văn bản dài, nhiều dòng cũng được; kết thúc bằng một dòng chỉ có ::het)"
BLOCK_ECHO = "[văn bản dài {n} ký tự]"
LINE_MAY_BE_CUT = (
    "Dòng vừa nhập dài {n} byte, đúng giới hạn một dòng của terminal, nên có thể đã bị cắt; bot chưa ghi nhận. "
    "Để gửi văn bản dài, Anh/Chị gõ ::dai, dán văn bản, rồi gõ một dòng ::het."
)
DOCUMENT_SAVED = "[Tài liệu «{name}» đã lưu tại: {path}]"
DOCUMENT_NOT_SAVED = "[Tài liệu «{name}» chưa lưu được vào {folder}: {error}]"
