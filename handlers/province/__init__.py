"""Provincial-scope recognition (cấp tỉnh): a base body proposes its recognised initiatives to the province."""
