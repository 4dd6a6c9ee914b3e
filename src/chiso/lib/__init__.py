"""Small shared helpers of the web layer, one purpose per module."""
