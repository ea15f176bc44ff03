shop-support = Support
