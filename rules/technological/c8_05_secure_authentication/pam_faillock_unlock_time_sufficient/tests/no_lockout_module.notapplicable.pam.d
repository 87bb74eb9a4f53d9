# annexa-pam-service: common-auth
# The auth part of Debian 12's stock /etc/pam.d/common-auth, as pam-auth-update writes it.
auth	[success=1 default=ignore]	pam_unix.so nullok
auth	requisite			pam_deny.so
auth	required			pam_permit.so
