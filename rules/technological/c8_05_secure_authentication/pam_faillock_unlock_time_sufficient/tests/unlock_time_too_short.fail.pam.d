# annexa-pam-service: common-auth
auth	required			pam_faillock.so preauth deny=5 unlock_time=900
auth	[success=1 default=ignore]	pam_unix.so nullok
# the authfail line locks with its own, shorter, unlock time
auth	[default=die]			pam_faillock.so authfail deny=5 unlock_time=120
